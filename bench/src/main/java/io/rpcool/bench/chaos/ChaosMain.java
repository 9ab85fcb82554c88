package io.rpcool.bench.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.rpcool.daemon.DaemonMain;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.harness.jvm.ChildJvmException;
import io.rpcool.orchestrator.ClusterInspector;
import io.rpcool.orchestrator.LocalCluster;
import io.rpcool.orchestrator.PoolUsage;

/**
 * {@code ./rpcool chaos --rounds N}: a cluster of two hosts (a daemon JVM each, joined through a
 * ZooKeeper and an orchestrator in this JVM, sharing one pool), two servers and four clients
 * calling without pause, locally and across hosts. Every round kills one server or client at
 * random with kill -9 and starts a new one. At the end the clients stop, every remaining process
 * is killed with kill -9 (daemons included), and the pool must come back to where it started.
 *
 * <p>Prints the calls made, completed, failed cleanly (PEER_GONE, CONNECTION_CLOSED), hung (not
 * ended within the hang bound) and bad (wrong reply or another error), and the leaked heaps: pool
 * bytes still held, with no live holder, once the bound for reclaiming orphans has passed. Exits
 * with 1 if any call hung or was bad or any heap leaked.
 *
 * <pre>
 *  --rounds N           rounds of kill and restart (default 5)
 *  --seed S             random seed (default: time)
 *  --lease-timeout-ms   lease timeout of hosts and processes (default 3000)
 *  --pool DIR           the pool (default /dev/shm/rpcool-chaos-PID; a tmpfs mount of its own when root)
 * </pre>
 */
public final class ChaosMain
{
    private static final String STATS = "STATS ";
    private static final String FINAL = "FINAL ";

    private ChaosMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int rounds = 5;
        long seed = System.nanoTime();
        long leaseMs = 3000;
        Path base = Path.of("/dev/shm", "rpcool-chaos-" + ProcessHandle.current().pid());
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--lease-timeout-ms": leaseMs = Long.parseLong(args[++i]); break;
                case "--pool": base = Path.of(args[++i]); break;
                default:
                    System.err.println(
                        "rpcool chaos: unknown option " + args[i] + " (options: --rounds, --seed, --lease-timeout-ms, --pool)");
                    System.exit(2);
            }
        }
        try
        {
            System.exit(new ChaosMain().run(rounds, seed, leaseMs, base) ? 0 : 1);
        }
        catch (final Throwable e)
        {
            System.err.println("rpcool chaos: the run broke off: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private final List<ChildJvm> daemons = new ArrayList<>();
    private final List<ChildJvm> retiredClients = new ArrayList<>();
    private final ChildJvm[] servers = new ChildJvm[2];
    private final ChildJvm[] clients = new ChildJvm[4];
    private Path base;
    private Path pool;
    private long hangMs;

    private boolean run(final int rounds, final long seed, final long leaseMs, final Path base) throws Exception
    {
        this.base = base;
        this.pool = base.resolve("pool");
        this.hangMs = leaseMs + 5000;
        final long reclaimDelayMs = 1000;
        final Random random = new Random(seed);
        LocalCluster cluster = null;
        boolean passed = false;
        try
        {
            cluster = LocalCluster.start(base, "rpcool-chaos", (int)Math.max(leaseMs, 10_000), reclaimDelayMs);
            System.out.printf("rpcool chaos: %d rounds, seed %d, lease timeout %d ms, pool %s%s%n", rounds, seed, leaseMs, pool,
                cluster.poolMounted() ? " (tmpfs)" : "");
            final String connect = cluster.connectString();
            final ClusterInspector inspector = cluster.inspector();
            final long baseline = PoolUsage.usedBytes(pool);
            for (final String host : List.of("hostA", "hostB"))
            {
                final ChildJvm daemon = start("daemon-" + host, DaemonMain.class, List.of(), "--dir", dir(host), "--host", host,
                    "--orchestrator", "zk:" + connect, "--pool", pool.toString(), "--lease-timeout-ms", String.valueOf(leaseMs),
                    "--seal-backend", "mprotect");
                daemons.add(daemon);
                daemon.awaitLine(DaemonMain.LISTENING, 30_000);
            }
            for (int s = 0; s < servers.length; s++)
            {
                servers[s] = startServer(s);
            }
            for (int c = 0; c < clients.length; c++)
            {
                clients[c] = startClient(c);
            }
            Thread.sleep(1000);
            for (int round = 1; round <= rounds; round++)
            {
                Thread.sleep(500 + random.nextInt(1000));
                final int victim = random.nextInt(servers.length + clients.length);
                if (victim < servers.length)
                {
                    System.out.printf("round %d: kill -9 server %d (%s)%n", round, victim, channel(victim));
                    servers[victim].kill9();
                    servers[victim] = startServer(victim);
                }
                else
                {
                    final int c = victim - servers.length;
                    System.out.printf("round %d: kill -9 client %d%n", round, c);
                    clients[c].kill9();
                    retiredClients.add(clients[c]);
                    clients[c] = startClient(c);
                }
            }
            Thread.sleep(1000);
            long made = 0;
            long ok = 0;
            long clean = 0;
            long hung = 0;
            long bad = 0;
            for (final ChildJvm c : clients)
            {
                try
                {
                    c.send("stop");
                }
                catch (final ChildJvmException ignore)
                {
                    // it died on its own: its last STATS line counts
                }
            }
            final List<ChildJvm> all = new ArrayList<>(retiredClients);
            all.addAll(List.of(clients));
            for (final ChildJvm c : all)
            {
                String s = finalReport(c, hangMs + 10_000);
                if (s == null)
                {
                    s = lastReport(c);   // killed: its last report
                }
                if (s == null)
                {
                    continue;
                }
                final String[] f = s.split(" ");
                made += Long.parseLong(f[0]);
                ok += Long.parseLong(f[1]);
                clean += Long.parseLong(f[2]);
                hung += Long.parseLong(f[3]);
                bad += Long.parseLong(f[4]);
            }
            // Everything but the pool dies: servers, clients, daemons.
            for (final ChildJvm j : all)
            {
                j.kill9();
            }
            for (final ChildJvm j : servers)
            {
                j.kill9();
            }
            for (final ChildJvm j : daemons)
            {
                j.kill9();
            }
            final long killedAt = System.currentTimeMillis();
            final long boundMs = leaseMs + reclaimDelayMs + 10_000;
            while (System.currentTimeMillis() - killedAt < boundMs &&
                (inspector.heapCount() > 0 || PoolUsage.heapFiles(pool) > 0 || PoolUsage.usedBytes(pool) > baseline))
            {
                Thread.sleep(100);
            }
            final long reclaimMs = System.currentTimeMillis() - killedAt;
            final int leakedHeaps = Math.max(inspector.heapCount(), PoolUsage.heapFiles(pool));
            final long leakedBytes = Math.max(0, PoolUsage.usedBytes(pool) - baseline);
            System.out.printf("calls made %d, completed %d, failed cleanly %d, hung %d, bad %d " +
                "(%d in flight or unreported when their client was killed)%n", made, ok, clean, hung, bad, made - ok - clean - hung - bad);
            System.out.printf(
                "leaked heaps %d (%d bytes of the pool held with no live holder; orphans reclaimed %d ms after the last kill)%n",
                leakedHeaps, leakedBytes, reclaimMs);
            passed = hung == 0 && bad == 0 && leakedHeaps == 0 && leakedBytes == 0 && made > 0;
            if (!passed && leakedHeaps > 0)
            {
                System.out.print(inspector.describe());
            }
            System.out.println(passed ? "rpcool chaos: PASSED" : "rpcool chaos: FAILED");
        }
        finally
        {
            for (final ChildJvm j : daemons)
            {
                j.kill9();
            }
            for (final ChildJvm j : servers)
            {
                if (j != null)
                {
                    j.kill9();
                }
            }
            for (final ChildJvm j : clients)
            {
                if (j != null)
                {
                    j.kill9();
                }
            }
            if (cluster != null)
            {
                cluster.close();
            }
            try (var files = Files.walk(base))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return passed;
    }

    /**
     * A child JVM with the chaos run's small heap and quick start; lines other than its reports are
     * echoed with its name.
     */
    private static ChildJvm start(final String name, final Class<?> main, final List<String> jvmFlags, final String... args)
    {
        return ChildJvm.builder(main).name(name)
            .jvmFlags("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto").jvmFlags(jvmFlags).args(args)
            .onLine(line ->
            {
                if (!line.startsWith("READY") && !line.startsWith(STATS) && !line.startsWith(FINAL) &&
                    !line.startsWith(DaemonMain.LISTENING))
                {
                    System.out.println("  [" + name + "] " + line);
                }
            })
            .start();
    }

    /** The client's {@code FINAL} report, or null if it ends (or was killed) without one. */
    private static String finalReport(final ChildJvm client, final long timeoutMs)
    {
        try
        {
            return client.awaitLine(FINAL, timeoutMs).substring(FINAL.length());
        }
        catch (final ChildJvmException ex)
        {
            return null;
        }
    }

    /** The client's latest {@code STATS} report, or null if it made none. */
    private static String lastReport(final ChildJvm client)
    {
        final List<String> lines = client.lines();
        for (int i = lines.size() - 1; i >= 0; i--)
        {
            if (lines.get(i).startsWith(STATS))
            {
                return lines.get(i).substring(STATS.length());
            }
        }
        return null;
    }

    private String dir(final String host)
    {
        return base.resolve(host).toString();
    }

    private static String channel(final int server)
    {
        return "/chaos/" + server;
    }

    /** Server 0 on hostA, server 1 on hostB. */
    private ChildJvm startServer(final int s)
    {
        final ChildJvm server = start("server-" + s, ChaosServerMain.class, List.of("-Drpcool.lease.renewMs=500"),
            dir(s == 0 ? "hostA" : "hostB"), channel(s), "pool-1");
        server.awaitLine("READY", 40_000);
        return server;
    }

    /** Clients 0 and 1 on hostB call server 0 (across hosts), client 2 on hostA calls server 0, client 3 on hostA calls server 1. */
    private ChildJvm startClient(final int c)
    {
        final String host = c < 2 ? "hostB" : "hostA";
        final int server = c < 3 ? 0 : 1;
        final ChildJvm client = start("client-" + c, ChaosClientMain.class, List.of("-Drpcool.lease.renewMs=500"),
            dir(host), channel(server), "pool-1", String.valueOf(hangMs));
        client.awaitLine("READY", 30_000);
        return client;
    }
}
