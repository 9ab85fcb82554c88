package io.rpcool;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import io.rpcool.daemon.DaemonConfig;

/**
 * Configuration of a process's RPCool instance. Every setting has a default, and most can also be
 * given as a system property so a deployment can tune a process without code:
 *
 * <table>
 * <caption>settings</caption>
 * <tr><th>property</th><th>default</th><th>meaning</th></tr>
 * <tr><td>rpcool.dir</td><td>/dev/shm/rpcool-$USER</td><td>daemon directory (socket, lock)</td></tr>
 * <tr><td>rpcool.daemon</td><td>auto</td><td>auto: use a running daemon or embed one; external: never embed; embedded: always embed</td></tr>
 * <tr><td>rpcool.domain</td><td>local</td><td>memory domain; processes in different domains fall back to TCP</td></tr>
 * <tr><td>rpcool.idle</td><td>adaptive</td><td>adaptive, spin, sleep or hand-off</td></tr>
 * <tr><td>rpcool.idle.sleepNs</td><td>5000</td><td>sleep between polls in the sleep mode</td></tr>
 * <tr><td>rpcool.idle.spinNs</td><td>50000</td><td>how long a waiting thread spins before it sleeps or hands off (sleep and hand-off modes)</td></tr>
 * <tr><td>rpcool.call.timeoutMs</td><td>30000</td><td>default deadline of a call</td></tr>
 * <tr><td>rpcool.tcp.host</td><td>127.0.0.1</td><td>address servers bind their TCP fallback to</td></tr>
 * <tr><td>rpcool.slots</td><td>64</td><td>calls in flight per connection</td></tr>
 * <tr><td>rpcool.bufferSize</td><td>8192</td><td>bytes of each request and reply buffer</td></tr>
 * <tr><td>rpcool.heapSize</td><td>16 MiB</td><td>size of each data heap a connection adds</td></tr>
 * <tr><td>rpcool.seal.releaseThreshold</td><td>1024</td><td>completed seals a connection releases in one batch</td></tr>
 * <tr><td>rpcool.seal.copyBelow</td><td>see {@link io.rpcool.seal.SealPolicy}</td><td>copy-or-seal crossover of the seal policy</td></tr>
 * <tr><td>rpcool.seal.backend</td><td>auto</td><td>seal backend of an embedded daemon: auto, kernel or mprotect</td></tr>
 * <tr><td>rpcool.lease.renew</td><td>true</td><td>renew this process's lease with the daemon automatically</td></tr>
 * <tr><td>rpcool.lease.renewMs</td><td>timeout / 3</td><td>period of lease renewal</td></tr>
 * <tr><td>rpcool.orchestrator, rpcool.host, rpcool.pool.dir, rpcool.lease.timeoutMs</td><td></td><td>cluster settings of an
 * embedded daemon: see {@link io.rpcool.daemon.DaemonConfig}</td></tr>
 * </table>
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
    private DaemonMode daemonMode = DaemonMode.valueOf(System.getProperty("rpcool.daemon", "auto").toUpperCase().replace('-', '_'));
    private String domain = System.getProperty("rpcool.domain", "local");
    private String processName = defaultProcessName();
    private IdleMode idleMode = IdleMode.valueOf(System.getProperty("rpcool.idle", "adaptive").toUpperCase().replace('-', '_'));
    private long sleepNs = Long.getLong("rpcool.idle.sleepNs", 5_000);
    private long spinNs = Long.getLong("rpcool.idle.spinNs", 50_000);
    private long deepIdleAfterMs = Long.getLong("rpcool.idle.deepAfterMs", 1000);
    private long deepIdleParkUs = Long.getLong("rpcool.idle.deepParkUs", 100);
    private long callTimeoutMs = Long.getLong("rpcool.call.timeoutMs", 30_000);
    private String tcpHost = System.getProperty("rpcool.tcp.host", "127.0.0.1");
    private int slots = Integer.getInteger("rpcool.slots", 64);
    private int bufferSize = Integer.getInteger("rpcool.bufferSize", 8192);
    private int sealReleaseThreshold = Integer.getInteger("rpcool.seal.releaseThreshold", 1024);
    private long peerCheckIntervalMs = 10;
    private boolean leaseRenewal = Boolean.parseBoolean(System.getProperty("rpcool.lease.renew", "true"));
    private long leaseRenewMs = Long.getLong("rpcool.lease.renewMs", 0);
    private long heapSize = Long.getLong("rpcool.heapSize", 16L * 1024 * 1024);
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
