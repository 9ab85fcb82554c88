package io.rpcool.daemon;

import java.nio.file.Path;

/**
 * Configuration of a daemon. Defaults come from system properties so an embedded daemon can be
 * tuned without code: {@code rpcool.dir}, {@code rpcool.quota.bytes},
 * {@code rpcool.idle.spinBelow}, {@code rpcool.idle.sleepBelow}, {@code rpcool.idle.sampleMs},
 * {@code rpcool.seal.backend}; and for a host of a cluster {@code rpcool.orchestrator} (the control plane:
 * {@code embedded[:port]} or {@code zk:host:port,...}; empty for a single host), {@code rpcool.host},
 * {@code rpcool.pool.dir}, {@code rpcool.lease.timeoutMs} (host and process leases).
 */
public final class DaemonConfig
{
    public static final long DEFAULT_QUOTA_BYTES = 1L << 30;
    public static final double DEFAULT_SPIN_BELOW = 0.20;
    public static final double DEFAULT_SLEEP_BELOW = 0.30;

    private Path directory = defaultDirectory();
    private long quotaBytes = Long.getLong("rpcool.quota.bytes", DEFAULT_QUOTA_BYTES);
    private long windowBase = AddressSpace.DEFAULT_BASE;
    private long windowEnd = AddressSpace.DEFAULT_END;
    private double spinBelow = Double.parseDouble(System.getProperty("rpcool.idle.spinBelow", String.valueOf(DEFAULT_SPIN_BELOW)));
    private double sleepBelow = Double.parseDouble(System.getProperty("rpcool.idle.sleepBelow", String.valueOf(DEFAULT_SLEEP_BELOW)));
    private long loadSampleMs = Long.getLong("rpcool.idle.sampleMs", 100);
    private long peerAnswerTimeoutMs = 10_000;
    private String sealBackend = io.rpcool.seal.SealBackends.configured();
    private String orchestrator = System.getProperty("rpcool.orchestrator", System.getenv().getOrDefault("RPCOOL_ORCHESTRATOR", ""));
    private String hostId = System.getProperty("rpcool.host", System.getenv().getOrDefault("RPCOOL_HOST", defaultHostId()));
    private Path poolDirectory = Path.of(System.getProperty("rpcool.pool.dir",
        System.getenv().getOrDefault("RPCOOL_POOL_DIR", "/dev/shm/rpcool-pool")));
    private long leaseTimeoutMs = Long.getLong("rpcool.lease.timeoutMs", DEFAULT_LEASE_TIMEOUT_MS);

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
        final String configured = System.getProperty("rpcool.dir", System.getenv("RPCOOL_DIR"));
        if (configured != null && !configured.isEmpty())
        {
            return Path.of(configured);
        }
        return Path.of("/dev/shm", "rpcool-" + System.getProperty("user.name", "user"));
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
}
