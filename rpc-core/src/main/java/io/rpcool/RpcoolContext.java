package io.rpcool;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import io.rpcool.config.Setting;
import io.rpcool.daemon.DaemonConfig;

/**
 * Configuration of a process's RPCool instance. Every setting has a default and can also be given
 * as a system property (a few as an environment variable), so a deployment can tune a process
 * without code. The settings of every module — this context's, the daemon's ({@link DaemonConfig}),
 * the seal, sandbox and orchestrator modules' — are listed, with defaults and meanings, in one table,
 * {@link Setting}, which is also the README's configuration table; nothing reads an {@code rpcool.*}
 * property anywhere else.
 */
public final class RpcoolContext
{
    /** How a process finds its daemon. */
    public enum DaemonMode
    {
        /** Use the daemon of the directory; start one inside this process if none runs. */
        AUTO,
        /** Use the daemon of the directory; fail if none runs. */
        EXTERNAL,
        /** Start a daemon inside this process; fail if another runs. */
        EMBEDDED
    }

    /** How threads wait for replies and requests. */
    public enum IdleMode
    {
        /** Follow the daemon's measure of host load (spin, sleep or hand off). */
        ADAPTIVE,
        SPIN,
        SLEEP,
        HAND_OFF
    }

    private Path directory = DaemonConfig.defaultDirectory();
    private DaemonMode daemonMode = Setting.DAEMON_MODE.enumValue(DaemonMode.class);
    private String domain = Setting.DOMAIN.string();
    private String processName = defaultProcessName();
    private IdleMode idleMode = Setting.IDLE.enumValue(IdleMode.class);
    private long sleepNs = Setting.IDLE_SLEEP_NS.longValue();
    private long spinNs = Setting.IDLE_SPIN_NS.longValue();
    private long deepIdleAfterMs = Setting.IDLE_DEEP_AFTER_MS.longValue();
    private long deepIdleParkUs = Setting.IDLE_DEEP_PARK_US.longValue();
    private boolean futex = Setting.IDLE_FUTEX.booleanValue();
    private long callTimeoutMs = Setting.CALL_TIMEOUT_MS.longValue();
    private String tcpHost = Setting.TCP_HOST.string();
    private int slots = Setting.SLOTS.intValue();
    private int bufferSize = Setting.BUFFER_SIZE.intValue();
    private int sealReleaseThreshold = Setting.SEAL_RELEASE_THRESHOLD.intValue();
    private long peerCheckIntervalMs = Setting.PEER_CHECK_MS.longValue();
    private boolean leaseRenewal = Setting.LEASE_RENEW.booleanValue();
    private long leaseRenewMs = Setting.LEASE_RENEW_MS.longValue();
    private long heapSize = Setting.HEAP_SIZE.longValue();
    private DaemonConfig daemonConfig;

    private static String defaultProcessName()
    {
        final String command = System.getProperty("sun.java.command", "java");
        final String main = command.split(" ")[0];
        final String simple = main.substring(main.lastIndexOf('.') + 1);
        return simple.isEmpty() ? ManagementFactory.getRuntimeMXBean().getName() : simple;
    }

    public Path directory()
    {
        return directory;
    }

    public RpcoolContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    public DaemonMode daemonMode()
    {
        return daemonMode;
    }

    public RpcoolContext daemonMode(final DaemonMode daemonMode)
    {
        this.daemonMode = daemonMode;
        return this;
    }

    public String domain()
    {
        return domain;
    }

    /** The memory domain of this process. Only processes of one domain share memory. */
    public RpcoolContext domain(final String domain)
    {
        this.domain = domain;
        return this;
    }

    public String processName()
    {
        return processName;
    }

    public RpcoolContext processName(final String processName)
    {
        this.processName = processName;
        return this;
    }

    public IdleMode idleMode()
    {
        return idleMode;
    }

    public RpcoolContext idleMode(final IdleMode idleMode)
    {
        this.idleMode = idleMode;
        return this;
    }

    public long sleepNs()
    {
        return sleepNs;
    }

    public RpcoolContext sleepNs(final long sleepNs)
    {
        this.sleepNs = sleepNs;
        return this;
    }

    /**
     * How long a thread that found no work (or no reply) spins before it sleeps or hands off, in
     * the sleep and hand-off modes: replies and requests that follow within it never pay a wake-up.
     */
    public long spinNs()
    {
        return spinNs;
    }

    public RpcoolContext spinNs(final long spinNs)
    {
        if (spinNs < 0)
        {
            throw new IllegalArgumentException("spinNs must not be negative: " + spinNs);
        }
        this.spinNs = spinNs;
        return this;
    }

    /**
     * True (default) to end a wait that stopped spinning in {@code futex(2)} on the connection heap,
     * woken by the other side when it publishes; false for the timed parks and hand-offs only.
     */
    public boolean futex()
    {
        return futex;
    }

    public RpcoolContext futex(final boolean futex)
    {
        this.futex = futex;
        return this;
    }

    /** After this long with no work, waiting threads park {@link #deepIdleParkUs()} between polls. */
    public long deepIdleAfterMs()
    {
        return deepIdleAfterMs;
    }

    public RpcoolContext deepIdleAfterMs(final long deepIdleAfterMs)
    {
        this.deepIdleAfterMs = deepIdleAfterMs;
        return this;
    }

    public long deepIdleParkUs()
    {
        return deepIdleParkUs;
    }

    public RpcoolContext deepIdleParkUs(final long deepIdleParkUs)
    {
        this.deepIdleParkUs = deepIdleParkUs;
        return this;
    }

    public long callTimeoutMs()
    {
        return callTimeoutMs;
    }

    public RpcoolContext callTimeoutMs(final long callTimeoutMs)
    {
        this.callTimeoutMs = callTimeoutMs;
        return this;
    }

    public String tcpHost()
    {
        return tcpHost;
    }

    public RpcoolContext tcpHost(final String tcpHost)
    {
        this.tcpHost = tcpHost;
        return this;
    }

    public int slots()
    {
        return slots;
    }

    /** Default number of calls a connection can have in flight. */
    public RpcoolContext slots(final int slots)
    {
        this.slots = slots;
        return this;
    }

    public int bufferSize()
    {
        return bufferSize;
    }

    /** Default size of each request and reply buffer, a multiple of 64. */
    public RpcoolContext bufferSize(final int bufferSize)
    {
        this.bufferSize = bufferSize;
        return this;
    }

    public long heapSize()
    {
        return heapSize;
    }

    /** Size of each data heap a connection adds when its heaps are full (default 16 MiB). */
    public RpcoolContext heapSize(final long heapSize)
    {
        this.heapSize = heapSize;
        return this;
    }

    public int sealReleaseThreshold()
    {
        return sealReleaseThreshold;
    }

    /** Default number of completed seals a connection releases in one batch. */
    public RpcoolContext sealReleaseThreshold(final int threshold)
    {
        this.sealReleaseThreshold = threshold;
        return this;
    }

    /** True (default) if the library renews this process's lease with the daemon on its own. */
    public boolean leaseRenewal()
    {
        return leaseRenewal;
    }

    /**
     * Turn automatic lease renewal off ({@code rpcool.lease.renew=false}): the daemon then treats the
     * process as dead once its lease times out, unless the application calls {@link Rpcool#renewLease()}.
     */
    public RpcoolContext leaseRenewal(final boolean leaseRenewal)
    {
        this.leaseRenewal = leaseRenewal;
        return this;
    }

    /** Period of lease renewal; 0 (default) renews every third of the daemon's lease timeout. */
    public long leaseRenewMs()
    {
        return leaseRenewMs;
    }

    public RpcoolContext leaseRenewMs(final long leaseRenewMs)
    {
        this.leaseRenewMs = leaseRenewMs;
        return this;
    }

    public long peerCheckIntervalMs()
    {
        return peerCheckIntervalMs;
    }

    public RpcoolContext peerCheckIntervalMs(final long peerCheckIntervalMs)
    {
        this.peerCheckIntervalMs = peerCheckIntervalMs;
        return this;
    }

    /** Configuration for a daemon this process embeds; defaults to one for {@link #directory()}. */
    public DaemonConfig daemonConfig()
    {
        if (daemonConfig == null)
        {
            daemonConfig = new DaemonConfig();
        }
        return daemonConfig.directory(directory);
    }

    public RpcoolContext daemonConfig(final DaemonConfig daemonConfig)
    {
        this.daemonConfig = daemonConfig;
        return this;
    }
}
