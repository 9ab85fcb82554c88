package io.rpcool.config;

/**
 * Every {@code rpcool.*} setting of every module, in one place: its system property (and, for a few,
 * an environment variable), its default and what it means. Nothing else in the project reads an
 * {@code rpcool.*} property: {@code RpcoolContext} and {@code DaemonConfig} take their defaults from
 * here, and so do the seal, sandbox and orchestrator modules. The README's configuration table is
 * {@link #markdownTable()} (a test keeps the two equal).
 */
public enum Setting
{
    DIR("rpcool.dir", "RPCOOL_DIR", "$XDG_RUNTIME_DIR/rpcool, else /dev/shm/rpcool-$USER",
        "daemon directory (socket, lock, counters files); must belong to this user and not be writable by others"),
    DAEMON_MODE("rpcool.daemon", null, "auto",
        "auto: use a running daemon or embed one; external: never embed; embedded: always embed"),
    DOMAIN("rpcool.domain", null, "local", "memory domain; processes in different domains fall back to TCP"),
    IDLE("rpcool.idle", null, "adaptive", "waiting mode: adaptive, spin, sleep or hand-off"),
    IDLE_SLEEP_NS("rpcool.idle.sleepNs", null, "5000", "sleep between polls in the sleep mode (ns)"),
    IDLE_SPIN_NS("rpcool.idle.spinNs", null, "50000", "how long a waiting thread spins before it sleeps or hands off (ns)"),
    IDLE_DEEP_AFTER_MS("rpcool.idle.deepAfterMs", null, "1000", "after this long with no work, waiting threads park between polls (ms)"),
    IDLE_DEEP_PARK_US("rpcool.idle.deepParkUs", null, "100", "park between polls once deeply idle (µs)"),
    IDLE_FUTEX("rpcool.idle.futex", null, "true",
        "end a wait that stopped spinning in futex(2), woken by the other side (false: timed parks)"),
    NETTY_DOORBELL("rpcool.netty.doorbell", null, "true",
        "idle Netty event loops sleep on their pipe's doorbell or park (false: keep the adaptive wait)"),
    NETTY_MAX_SLEEP_MS("rpcool.netty.maxSleepMs", null, "50", "longest sleep of an idle Netty event loop (ms)"),
    IDLE_SPIN_BELOW("rpcool.idle.spinBelow", null, "0.20", "daemon: spin while other load is below this fraction"),
    IDLE_SLEEP_BELOW("rpcool.idle.sleepBelow", null, "0.30", "daemon: sleep between polls below this fraction, hand off above"),
    IDLE_SAMPLE_MS("rpcool.idle.sampleMs", null, "100", "daemon: period of load samples (ms)"),
    CALL_TIMEOUT_MS("rpcool.call.timeoutMs", null, "30000", "default deadline of a call, and of waiting for a free call slot (ms)"),
    TCP_HOST("rpcool.tcp.host", null, "127.0.0.1", "address servers bind their TCP fallback to"),
    SLOTS("rpcool.slots", null, "64", "calls in flight per connection"),
    BUFFER_SIZE("rpcool.bufferSize", null, "8192", "bytes of each request and reply buffer (a multiple of 64)"),
    HEAP_SIZE("rpcool.heapSize", null, "16777216", "size of each data heap a connection adds (bytes)"),
    PEER_CHECK_MS("rpcool.peerCheckMs", null, "10", "how often a process checks its peers for exit (ms)"),
    SEAL_RELEASE_THRESHOLD("rpcool.seal.releaseThreshold", null, "1024", "completed seals a connection releases in one batch"),
    SEAL_COPY_BELOW("rpcool.seal.copyBelow", null, "1048576", "copy-or-seal crossover of the seal policy (bytes)"),
    SEAL_BACKEND("rpcool.seal.backend", null, "auto", "daemon: seal backend, auto, kernel or mprotect"),
    SEAL_KERNEL_DISABLE("rpcool.seal.kernel.disable", null, "false", "never use the rpcool kernel module even when it is loaded"),
    LEASE_RENEW("rpcool.lease.renew", null, "true", "renew this process's lease with the daemon automatically"),
    LEASE_RENEW_MS("rpcool.lease.renewMs", null, "0", "period of lease renewal; 0: a third of the lease timeout (ms)"),
    LEASE_TIMEOUT_MS("rpcool.lease.timeoutMs", null, "10000",
        "daemon: a process (and in a cluster, a host) that does not renew for this long is treated as dead; 0: no process leases"),
    QUOTA_BYTES("rpcool.quota.bytes", null, "1073741824", "daemon: shared memory each process may map (bytes)"),
    ALLOW_UIDS("rpcool.daemon.allowUids", null, "", "daemon: users (uids, comma-separated) allowed besides the daemon's own"),
    ALLOW_GIDS("rpcool.daemon.allowGids", null, "", "daemon: groups (gids, comma-separated) whose processes are allowed"),
    ORCHESTRATOR("rpcool.orchestrator", "RPCOOL_ORCHESTRATOR", "",
        "daemon: cluster control plane, embedded[:port] or zk:host:port,...; empty for a single host"),
    HOST("rpcool.host", "RPCOOL_HOST", "the host name", "daemon: this host's name in the cluster"),
    POOL_DIR("rpcool.pool.dir", "RPCOOL_POOL_DIR", "/dev/shm/rpcool-pool",
        "the cluster's shared memory pool (a directory every host sees)"),
    POOL_DEVICE("rpcool.pool.device", "RPCOOL_POOL_DEVICE", "",
        "the pool as one memory device (/dev/daxX.Y, a PCI BAR's resource2, or a file of fixed size): heaps are ranges of it; " +
            "empty: one file per heap in rpcool.pool.dir"),
    POOL_DEVICE_BYTES("rpcool.pool.deviceBytes", null, "0", "orchestrator: bytes of the pool device to use; 0: all of it"),
    ZK_CONNECT_TIMEOUT_MS("rpcool.zk.connectTimeoutMs", null, "10000", "orchestrator: how long to wait for ZooKeeper at start (ms)"),
    ZK_ROOT("rpcool.zk.root", null, "/rpcool", "orchestrator: the cluster's root node in ZooKeeper"),
    ZK_DATA_DIR("rpcool.zk.dataDir", null, "/dev/shm/rpcool-zk-<port>", "orchestrator: data directory of an embedded ZooKeeper"),
    RECLAIM_DELAY_MS("rpcool.orchestrator.reclaimDelayMs", null, "2000",
        "orchestrator: a heap with no lease this long is reclaimed (ms, at least 200)"),
    FENCE_MARGIN_MS("rpcool.fence.marginMs", null, "0",
        "daemon: a host that heard nothing from ZooKeeper fences itself this long before its session may expire (ms); " +
            "0: a quarter of the session timeout"),
    SANDBOX_SCRATCH_SIZE("rpcool.sandbox.scratchSize", null, "1048576", "scratch memory of each sandbox (bytes)"),
    SANDBOX_PROVIDER("rpcool.sandbox.provider", null, "", "sandbox provider to insist on (bounded-views, mpk); empty: the best available"),
    SANDBOX_MPK("rpcool.sandbox.mpk", null, "true", "use memory protection keys for sandboxes where the CPU has them"),
    DSM("rpcool.dsm", null, "true", "use the page-ownership DSM (rdma-fallback) where the kernel and the native library allow it"),
    DSM_HEAP_SIZE("rpcool.dsm.heapSize", null, "16777216",
        "size of the heap of a connection over the DSM (bytes, whole pages; fixed: it does not grow)");

    private final String property;
    private final String environment;
    private final String defaultValue;
    private final String description;

    Setting(final String property, final String environment, final String defaultValue, final String description)
    {
        this.property = property;
        this.environment = environment;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String property()
    {
        return property;
    }

    public String description()
    {
        return description;
    }

    /** The default as documented (some are computed: the host name, the user's directory). */
    public String documentedDefault()
    {
        return defaultValue;
    }

    /**
     * @return the configured value (system property, then environment variable), or null if neither is set.
     */
    public String configured()
    {
        final String value = System.getProperty(property);
        if (value != null && !value.isEmpty())
        {
            return value;
        }
        if (environment != null)
        {
            final String env = System.getenv(environment);
            if (env != null && !env.isEmpty())
            {
                return env;
            }
        }
        return null;
    }

    /** The configured value, or {@code fallback}. */
    public String string(final String fallback)
    {
        final String value = configured();
        return value == null ? fallback : value;
    }

    /** The configured value, or the documented default. */
    public String string()
    {
        return string(defaultValue);
    }

    public long longValue()
    {
        final String value = string();
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException e)
        {
            throw invalid(value, "a whole number");
        }
    }

    public int intValue()
    {
        final long value = longValue();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            throw invalid(String.valueOf(value), "a 32-bit number");
        }
        return (int)value;
    }

    public double doubleValue()
    {
        final String value = string();
        try
        {
            return Double.parseDouble(value.trim());
        }
        catch (final NumberFormatException e)
        {
            throw invalid(value, "a number");
        }
    }

    public boolean booleanValue()
    {
        final String value = string().trim();
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))
        {
            return Boolean.parseBoolean(value);
        }
        throw invalid(value, "true or false");
    }

    /** The configured comma-separated numbers (empty if none). */
    public int[] intList()
    {
        final String value = string().trim();
        if (value.isEmpty())
        {
            return new int[0];
        }
        try
        {
            return java.util.Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }
        catch (final NumberFormatException e)
        {
            throw invalid(value, "comma-separated numbers");
        }
    }

    /** The configured value as one of {@code type}'s constants (case-insensitive, '-' for '_'). */
    public <E extends Enum<E>> E enumValue(final Class<E> type)
    {
        final String value = string();
        try
        {
            return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
        catch (final IllegalArgumentException e)
        {
            throw invalid(value, "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT));
        }
    }

    private IllegalArgumentException invalid(final String value, final String expected)
    {
        return new IllegalArgumentException(property + "=" + value + " is not " + expected + " (" + description + ")");
    }

    /** The README's table of every setting. */
    public static String markdownTable()
    {
        final StringBuilder sb = new StringBuilder("| setting | default | meaning |\n|---|---|---|\n");
        for (final Setting s : values())
        {
            sb.append("| `").append(s.property).append('`');
            if (s.environment != null)
            {
                sb.append(" (or `").append(s.environment).append("`)");
            }
            sb.append(" | ").append(s.defaultValue.isEmpty() ? "(empty)" : "`" + s.defaultValue + "`").append(" | ")
                .append(s.description).append(" |\n");
        }
        return sb.toString();
    }
}
