package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.rpcool.TestDirs;
import io.rpcool.TestServerMain;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * A cluster for tests: ZooKeeper and one orchestrator in the test JVM; a daemon JVM per host;
 * servers and clients in JVMs of their own. With {@code netns}, every host is a network namespace
 * set up by {@code cluster.sh} and reaches ZooKeeper over the bridge; otherwise every host is a
 * separate daemon (own directory, own host id, own ZooKeeper session) in this namespace. The pool is
 * a tmpfs mount of its own when running as root (exact usage), a directory otherwise.
 */
final class TestCluster implements AutoCloseable
{
    static final String BRIDGE_IP = "10.77.0.1";

    final Path base;
    final Path pool;
    final boolean netns;
    final long leaseTimeoutMs;
    final EmbeddedZooKeeper zk;
    /** The file standing for the pool device, or null for a pool of files. */
    Path device;
    private final String externalZk;
    Orchestrator orchestrator;
    ClusterInspector inspector;
    private final boolean mounted;
    private final List<ChildJvm> jvms = new ArrayList<>();

    TestCluster(final String name, final boolean netns, final long leaseTimeoutMs, final long reclaimDelayMs) throws Exception
    {
        this(name, netns, leaseTimeoutMs, reclaimDelayMs, null);
    }

    /**
     * @param externalZk an ensemble to use (no ZooKeeper and no orchestrator in this JVM), or null.
     */
    TestCluster(final String name, final boolean netns, final long leaseTimeoutMs, final long reclaimDelayMs, final String externalZk)
        throws Exception
    {
        this(name, netns, leaseTimeoutMs, reclaimDelayMs, externalZk, 0);
    }

    /**
     * @param deviceBytes with more than 0, the pool is one device of that many bytes (a file standing
     *                    for it, {@link #device}) that every daemon maps heaps' ranges of.
     */
    TestCluster(final String name, final boolean netns, final long leaseTimeoutMs, final long reclaimDelayMs, final String externalZk,
        final long deviceBytes) throws Exception
    {
        this.externalZk = externalZk;
        this.base = TestDirs.fresh(name);
        this.pool = base.resolve("pool");
        this.netns = netns;
        this.leaseTimeoutMs = leaseTimeoutMs;
        if (netns)
        {
            script("up");
            mounted = true;
        }
        else
        {
            Files.createDirectories(pool);
            mounted = isRoot() && run("mount", "-t", "tmpfs", "-o", "size=256m", "rpcool-test-pool", pool.toString()) == 0;
        }
        if (externalZk == null)
        {
            zk = new EmbeddedZooKeeper("0.0.0.0", 0, base.resolve("zk"), 100, (int)Math.max(leaseTimeoutMs, 10_000));
            if (deviceBytes > 0)
            {
                device = base.resolve("pool-device");
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(device.toFile(), "rw"))
                {
                    f.setLength(deviceBytes);
                }
            }
            orchestrator = new Orchestrator(zkLocal(), "/rpcool", "orchestrator-test", pool, reclaimDelayMs, 4000, device, 0);
        }
        else
        {
            zk = null;
        }
        if (externalZk == null)
        {
            inspector = new ClusterInspector(zkLocal(), "/rpcool", pool);
        }
    }

    static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Null if this machine can run the namespace cluster, else why not. */
    static String netnsUnavailable()
    {
        if (!isRoot())
        {
            return "not root: network namespaces, a bridge and a tmpfs mount need root";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip")) &&
            !Files.isExecutable(Path.of("/usr/bin/ip")))
        {
            return "iproute2 ('ip') is not installed";
        }
        try
        {
            if (run("ip", "netns", "add", "rpcool-probe") != 0)
            {
                return "cannot create a network namespace";
            }
            run("ip", "netns", "del", "rpcool-probe");
        }
        catch (final Exception e)
        {
            return "cannot create a network namespace: " + e;
        }
        return null;
    }

    private void script(final String command) throws Exception
    {
        final Path script = Path.of(System.getProperty("basedir", "."), "cluster.sh");
        final ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command).inheritIO();
        pb.environment().put("RPCOOL_POOL", pool.toString());
        pb.environment().put("RPCOOL_POOL_SIZE", "256m");
        if (pb.start().waitFor() != 0)
        {
            throw new IllegalStateException("cluster.sh " + command + " failed");
        }
    }

    static int run(final String... command) throws Exception
    {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    String zkLocal()
    {
        return externalZk != null ? externalZk : "127.0.0.1:" + zk.port();
    }

    String zkSpec()
    {
        return externalZk != null ? "zk:" + externalZk : "zk:" + (netns ? BRIDGE_IP : "127.0.0.1") + ":" + zk.port();
    }

    /** An orchestrator JVM (a standby if another leads); prints LEADER or STANDBY. */
    ChildJvm orchestratorJvm(final String id, final long reclaimDelayMs, final long sessionTimeoutMs)
    {
        final ChildJvm jvm = track(hostJvm(id, null, OrchestratorMain.class, List.of(), "--zk", zkLocal(), "--id", id,
            "--pool", pool.toString(), "--reclaim-delay-ms", String.valueOf(reclaimDelayMs),
            "--session-timeout-ms", String.valueOf(sessionTimeoutMs)));
        jvm.awaitLine("ORCHESTRATOR", 30_000);
        return jvm;
    }

    /** Address of a host for TCP (its namespace's, or loopback). */
    String ip(final String host)
    {
        return netns ? "10.77.0.1" + (host.charAt(host.length() - 1) - 'A' + 1) : "127.0.0.1";
    }

    String namespace(final String host)
    {
        return netns ? "rpcool-" + host : null;
    }

    Path dir(final String host)
    {
        return base.resolve(host);
    }

    ChildJvm daemon(final String host, final long quotaBytes)
    {
        return daemon(host, quotaBytes, zkSpec());
    }

    ChildJvm daemon(final String host, final long quotaBytes, final String spec)
    {
        final ChildJvm jvm = track(hostJvm("daemon-" + host, namespace(host), ClusterHostMain.class,
            device == null ? List.of() : List.of("-Drpcool.pool.device=" + device),
            dir(host).toString(), host, spec, pool.toString(), String.valueOf(leaseTimeoutMs), String.valueOf(quotaBytes)));
        jvm.awaitLine("READY", 30_000);
        return jvm;
    }

    ChildJvm server(final String host, final String channel, final String domain)
    {
        final ChildJvm jvm = track(hostJvm("server-" + host, namespace(host), TestServerMain.class,
            List.of("-Drpcool.tcp.host=" + ip(host), "-Drpcool.lease.renewMs=500"), dir(host).toString(), channel, domain));
        jvm.awaitLine("READY", 30_000);
        return jvm;
    }

    ChildJvm client(final String host, final String domain)
    {
        final ChildJvm jvm = track(hostJvm("client-" + host, namespace(host), ClusterClientMain.class,
            List.of("-Drpcool.lease.renewMs=500"), dir(host).toString(), domain));
        jvm.awaitLine("READY", 30_000);
        return jvm;
    }

    /**
     * A JVM of the test class path on one emulated host: in the host's network namespace (or this one
     * for null), small heap and quick start, since a test runs several at once on two cores.
     */
    static ChildJvm hostJvm(final String name, final String netns, final Class<?> main, final List<String> properties,
        final String... args)
    {
        return ChildJvm.builder(main).name(name).netns(netns)
            .jvmFlags("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto").jvmFlags(properties).args(args)
            .start();
    }

    ChildJvm track(final ChildJvm jvm)
    {
        jvms.add(jvm);
        return jvm;
    }

    /**
     * Cut {@code host} off the bridge: the bridge's end of its link goes down, so what it sends is
     * dropped without an error and nothing reaches it (ZooKeeper and the other hosts); the pool, a
     * file system, stays shared.
     */
    void cut(final String host) throws Exception
    {
        if (run("ip", "link", "set", "rpv-" + host, "down") != 0)
        {
            throw new IllegalStateException("cannot cut " + host + " off the bridge");
        }
    }

    /** Undo {@link #cut}. */
    void heal(final String host) throws Exception
    {
        if (run("ip", "link", "set", "rpv-" + host, "up") != 0)
        {
            throw new IllegalStateException("cannot connect " + host + " to the bridge again");
        }
    }

    /** Connect the read-only view (with an external ensemble: once it runs). */
    ClusterInspector inspect()
    {
        if (inspector == null)
        {
            inspector = new ClusterInspector(zkLocal(), "/rpcool", pool);
        }
        return inspector;
    }

    long poolUsed()
    {
        return PoolUsage.usedBytes(pool);
    }

    /** Wait until the pool holds at most {@code bytes} and the cluster no heap; returns the ms it took. */
    long awaitPoolBackTo(final long bytes, final long timeoutMs) throws InterruptedException
    {
        final long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < timeoutMs)
        {
            if (poolUsed() <= bytes && inspect().heapCount() == 0 && PoolUsage.heapFiles(pool) == 0)
            {
                return System.currentTimeMillis() - start;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the pool did not come back to " + bytes + " bytes within " + timeoutMs + " ms: " + poolUsed() +
            " bytes used, " + PoolUsage.heapFiles(pool) + " heap files, cluster state:\n" + inspect().describe());
    }

    static String stat(final ChildJvm daemon)
    {
        daemon.send("stat");
        // The lines up to END, whatever they hold.
        final StringBuilder block = new StringBuilder();
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        for (String line = daemon.awaitLine(any -> true, 10_000); !line.equals("END");
            line = daemon.awaitLine(any -> true, Math.max(1, deadlineMs - System.currentTimeMillis())))
        {
            block.append(line).append('\n');
        }
        return block.toString();
    }

    @Override
    public void close()
    {
        try
        {
            closeAll();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("tearing the test cluster down: " + e, e);
        }
    }

    private void closeAll() throws Exception
    {
        for (final ChildJvm j : jvms)
        {
            j.close();
        }
        if (inspector != null)
        {
            inspector.close();
        }
        if (orchestrator != null)
        {
            orchestrator.close();
        }
        if (zk != null)
        {
            zk.close();
        }
        if (netns)
        {
            script("down");
        }
        else if (mounted)
        {
            run("umount", pool.toString());
        }
        try (Stream<Path> files = Files.walk(base))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            // best effort
        }
    }
}
