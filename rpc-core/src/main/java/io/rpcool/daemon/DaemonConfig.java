package io.rpcool.daemon;

import java.nio.file.Path;

import io.rpcool.config.Setting;

/**
 * Configuration of a daemon. Defaults come from the settings table ({@link Setting}: system
 * properties such as {@code rpcool.quota.bytes}, {@code rpcool.orchestrator}) so an embedded daemon
 * can be tuned without code.
 */
public final class DaemonConfig
{
    public static final long DEFAULT_QUOTA_BYTES = 1L << 30;
    public static final double DEFAULT_SPIN_BELOW = 0.20;
    public static final double DEFAULT_SLEEP_BELOW = 0.30;

    private Path directory = defaultDirectory();
    private long quotaBytes = Setting.QUOTA_BYTES.longValue();
    private long windowBase = AddressSpace.DEFAULT_BASE;
    private long windowEnd = AddressSpace.DEFAULT_END;
    private double spinBelow = Setting.IDLE_SPIN_BELOW.doubleValue();
    private double sleepBelow = Setting.IDLE_SLEEP_BELOW.doubleValue();
    private long loadSampleMs = Setting.IDLE_SAMPLE_MS.longValue();
    private long peerAnswerTimeoutMs = 10_000;
    private String sealBackend = io.rpcool.seal.SealBackends.configured();
    private String orchestrator = Setting.ORCHESTRATOR.string();
    private String hostId = Setting.HOST.string(defaultHostId());
    private Path poolDirectory = Path.of(Setting.POOL_DIR.string());
    private Path poolDevice = io.rpcool.control.ClusterSettings.configuredDevice();
    private long leaseTimeoutMs = Setting.LEASE_TIMEOUT_MS.longValue();
    /** Users (uids) whose processes may use the daemon; empty: only the daemon's own user. */
    private int[] allowedUids = Setting.ALLOW_UIDS.intList();
    /** Groups (gids) whose processes may use the daemon, besides the allowed users. */
    private int[] allowedGids = Setting.ALLOW_GIDS.intList();

    /** Host and process leases expire after this long without renewal, unless configured. */
    public static final long DEFAULT_LEASE_TIMEOUT_MS = 10_000;

    private static String defaultHostId()
    {
        try
        {
            return java.net.InetAddress.getLocalHost().getHostName();
        }
        catch (final java.io.IOException e)
        {
            return "localhost";
        }
    }

    /** The control plane of a cluster ({@code embedded[:port]}, {@code zk:host:port,...}), or empty for a single host. */
    public String orchestrator()
    {
        return orchestrator;
    }

    public DaemonConfig orchestrator(final String orchestrator)
    {
        this.orchestrator = orchestrator;
        return this;
    }

    public String hostId()
    {
        return hostId;
    }

    public DaemonConfig hostId(final String hostId)
    {
        this.hostId = hostId;
        return this;
    }

    /** The shared memory pool (a directory every host of the cluster sees) when a control plane is configured. */
    public Path poolDirectory()
    {
        return poolDirectory;
    }

    public DaemonConfig poolDirectory(final Path poolDirectory)
    {
        this.poolDirectory = poolDirectory;
        return this;
    }

    /** This host's view of the pool device, when the pool is one memory device; null for one file per heap. */
    public Path poolDevice()
    {
        return poolDevice;
    }

    public DaemonConfig poolDevice(final Path poolDevice)
    {
        this.poolDevice = poolDevice;
        return this;
    }

    /** The pool as stat shows it: "device PATH" or "files in DIR". */
    public String describePool()
    {
        return poolDevice != null ? "device " + poolDevice : "files in " + poolDirectory;
    }

    /**
     * A process that does not renew its lease for this long is treated as dead (its peers are told, its
     * heaps released); with a control plane, a host whose session goes unrenewed this long loses its leases.
     * 0 turns process leases off (death is still seen when the process's socket closes).
     */
    public long leaseTimeoutMs()
    {
        return leaseTimeoutMs;
    }

    public DaemonConfig leaseTimeoutMs(final long leaseTimeoutMs)
    {
        this.leaseTimeoutMs = leaseTimeoutMs;
        return this;
    }

    public static Path defaultDirectory()
    {
        return RuntimeDirectory.defaultDirectory();
    }

    public Path directory()
    {
        return directory;
    }

    public DaemonConfig directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    public long quotaBytes()
    {
        return quotaBytes;
    }

    /** Shared memory each process may map, counting every heap it maps. */
    public DaemonConfig quotaBytes(final long quotaBytes)
    {
        this.quotaBytes = quotaBytes;
        return this;
    }

    public long windowBase()
    {
        return windowBase;
    }

    public long windowEnd()
    {
        return windowEnd;
    }

    public DaemonConfig window(final long base, final long end)
    {
        this.windowBase = base;
        this.windowEnd = end;
        return this;
    }

    public double spinBelow()
    {
        return spinBelow;
    }

    public double sleepBelow()
    {
        return sleepBelow;
    }

    /** Load thresholds of the adaptive wait: spin below the first, sleep below the second, hand off above. */
    public DaemonConfig idleThresholds(final double spinBelow, final double sleepBelow)
    {
        if (!(0 <= spinBelow && spinBelow <= sleepBelow && sleepBelow <= 1))
        {
            throw new IllegalArgumentException("need 0 <= spinBelow <= sleepBelow <= 1: " + spinBelow + ", " + sleepBelow);
        }
        this.spinBelow = spinBelow;
        this.sleepBelow = sleepBelow;
        return this;
    }

    public long loadSampleMs()
    {
        return loadSampleMs;
    }

    public DaemonConfig loadSampleMs(final long loadSampleMs)
    {
        this.loadSampleMs = loadSampleMs;
        return this;
    }

    public String sealBackend()
    {
        return sealBackend;
    }

    /**
     * Seal backend of the host: {@code auto} (the kernel module when {@code /dev/rpcool} is present
     * and usable, else mprotect), or a backend name to insist on.
     */
    public DaemonConfig sealBackend(final String sealBackend)
    {
        this.sealBackend = sealBackend;
        return this;
    }

    public long peerAnswerTimeoutMs()
    {
        return peerAnswerTimeoutMs;
    }

    /** How long the daemon waits for a process's (or another host's) answer to a push. */
    public DaemonConfig peerAnswerTimeoutMs(final long peerAnswerTimeoutMs)
    {
        this.peerAnswerTimeoutMs = peerAnswerTimeoutMs;
        return this;
    }

    /**
     * Users whose processes may use the daemon, besides its own user (the default: only its own).
     * The daemon checks every process's uid as the kernel reports it ({@code SO_PEERCRED}).
     */
    public DaemonConfig allowedUids(final int... uids)
    {
        this.allowedUids = uids.clone();
        return this;
    }

    /** Groups whose processes (by primary gid) may use the daemon, besides the allowed users. */
    public DaemonConfig allowedGids(final int... gids)
    {
        this.allowedGids = gids.clone();
        return this;
    }

    /** True if users or groups other than the daemon's own are allowed. */
    public boolean allowsOthers()
    {
        return allowedUids.length > 0 || allowedGids.length > 0;
    }

    /**
     * @return true if a process of {@code uid} and primary group {@code gid} may use the daemon.
     */
    public boolean allows(final int uid, final int gid)
    {
        if (uid == io.rpcool.nativeio.Native.uid())
        {
            return true;
        }
        for (final int allowed : allowedUids)
        {
            if (allowed == uid)
            {
                return true;
            }
        }
        for (final int allowed : allowedGids)
        {
            if (allowed == gid)
            {
                return true;
            }
        }
        return false;
    }

    /** Who may use the daemon, for messages and reports. */
    public String allowedUidsDescription()
    {
        final StringBuilder sb = new StringBuilder("uid " + io.rpcool.nativeio.Native.uid() + " (the daemon's own)");
        for (final int uid : allowedUids)
        {
            sb.append(", uid ").append(uid);
        }
        for (final int gid : allowedGids)
        {
            sb.append(", group ").append(gid);
        }
        return sb.toString();
    }
}
