package io.rpcool.bench;

import io.rpcool.bench.lease.LeaseBenchClient;
import io.rpcool.bench.lease.LeaseBenchServer;
import io.rpcool.bench.lease.LeaseChartWriter;
import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.PoolHeap;
import io.rpcool.daemon.DaemonMain;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.JsonReportWriter;
import io.rpcool.harness.report.Medians;
import io.rpcool.harness.report.Record;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.orchestrator.ClusterInspector;
import io.rpcool.orchestrator.LocalCluster;
import io.rpcool.orchestrator.PoolUsage;
import io.rpcool.orchestrator.ZkControlPlane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code lease} suite: what leases cost and how fast they act.
 * <ul>
 *   <li>{@code lease-renew}: one renewal of a process's lease (a round trip to its daemon);</li>
 *   <li>{@code lease-noop-rtt}: no-op round trip over shared memory with no renewal, with the default
 *   renewal (every third of the lease timeout) and with renewal every millisecond, client JVMs of the
 *   same server in rotating order;</li>
 *   <li>{@code lease-zk-op}: taking and dropping one lease in ZooKeeper (what mapping and unmapping a
 *   heap adds in a cluster);</li>
 *   <li>{@code lease-kill-to-notify}: from kill -9 of a server to its client's failure listener, on one
 *   host, across hosts, and for a whole host (its daemon killed too: the host's session must expire);</li>
 *   <li>{@code lease-orphan-reclaim}: until the heap's pool memory is back, from the last close of a
 *   heap whose server was killed, and from the kill -9 of a whole host (daemon and server; its lease
 *   ends with the host's session) whose client closed when told.</li>
 * </ul>
 * Writes {@code <out>/lease.json}, {@code lease.md} and {@code lease.png}.
 */
@Command(name = "lease", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Leases: renewal cost, no-op RTT with and without renewal, kill-to-notification and orphan reclaim times.")
final class LeaseCommand implements Callable<Integer>
{
    static final String SUITE = "lease";
    static final long CLUSTER_LEASE_MS = 3000;
    static final long RECLAIM_DELAY_MS = 1000;

    @Option(names = "--quick", description = "Short smoke run.")
    boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "Rounds of the RTT comparison (default: 3, quick: 1).")
    Integer runs;

    @Option(names = "--reps", paramLabel = "N", description = "Kills per notification and reclaim case (default: 5, quick: 2).")
    Integer reps;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "bench/results",
        description = "Directory for lease.json, .md and .png.")
    Path outDir;

    private final Map<String, List<Long>> samples = new LinkedHashMap<>();
    private final List<ChildJvm> procs = new ArrayList<>();
    private Path base;
    private long lastKillMs;
    private final List<String> runLines = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        final int runCount = runs != null ? runs : quick ? 1 : 3;
        final int repCount = reps != null ? reps : quick ? 2 : 5;
        final int calls = quick ? 50_000 : 200_000;
        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        base = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-bench-lease-");
        try
        {
            rtt(runCount, calls);
            cluster(repCount);
        }
        finally
        {
            for (final ChildJvm p : procs)
            {
                p.kill9();
            }
            deleteTree(base);
        }
        final List<Record> records = new ArrayList<>();
        for (final Map.Entry<String, List<Long>> e : samples.entrySet())
        {
            final String[] key = e.getKey().split("\\|");
            final List<Long> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            records.add(new Record(key[0], key[1], key.length > 2 ? key[2] : Record.P50, median(v), Record.NS));
            if (key.length == 2 && v.size() > 1)
            {
                // Round trips: the best run too (placement of the two JVMs' threads varies per run);
                // kills and reclaims: the slowest.
                final boolean rtt = key[0].equals("lease-noop-rtt");
                records.add(new Record(key[0], key[1], rtt ? "min" : "max", rtt ? v.get(0) : v.get(v.size() - 1), Record.NS));
            }
        }
        final Header header = new Header(SUITE, System.getProperty("java.version"), MachineInfo.vm(), MachineInfo.cpuModel(),
            Runtime.getRuntime().availableProcessors(), date, quick, runCount, null, "rpcool-shm-no-renewal", null, null, null,
            "RTT records are medians over runs (each run: fresh client JVMs of one server JVM, rotating order); kill and reclaim " +
            "records are the median and max over " + repCount + " kills. Cluster: two daemon JVMs joined through ZooKeeper in the " +
            "bench JVM, lease timeout " + CLUSTER_LEASE_MS + " ms, reclaim delay " + RECLAIM_DELAY_MS + " ms. Shared 2-core VM: noisy.");
        final BenchReport report = new BenchReport(header, records);
        Files.createDirectories(outDir);
        JsonReportWriter.write(report, outDir.resolve(SUITE + ".json"));
        final String md = markdown(report) + "\nPer run (order rotates):\n\n```\n" + String.join("\n", runLines) + "\n```\n";
        Files.writeString(outDir.resolve(SUITE + ".md"), md, StandardCharsets.UTF_8);
        LeaseChartWriter.write(report, outDir.resolve(SUITE + ".png"));
        System.out.print(md);
        System.out.println("wrote " + outDir.resolve(SUITE + ".{json,md,png}"));
        return SuiteCommand.EXIT_OK;
    }

    private void sample(final String key, final long value)
    {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private static double median(final List<Long> values)
    {
        return Medians.of(values.stream().mapToDouble(Long::doubleValue).toArray());
    }

    /** No-op RTT with and without renewal, and the cost of one renewal, on one host. */
    private void rtt(final int runCount, final int calls) throws Exception
    {
        final Path dir = base.resolve("single");
        final ChildJvm server = start(
            "server", LeaseBenchServer.class, List.of(), dir.toString(), "/lease/noop", "local", "embedded", "10000");
        server.awaitLine("READY", 30_000);
        final String[][] modes = {{"rpcool-shm-no-renewal", "-1"}, {"rpcool-shm-renew-default", "0"}, {"rpcool-shm-renew-1ms", "1"}};
        for (int run = 0; run < runCount; run++)
        {
            for (int m = 0; m < modes.length; m++)
            {
                final String[] mode = modes[(m + run) % modes.length];
                final ChildJvm client = start("client", LeaseBenchClient.class, List.of(), dir.toString(), "local", mode[1]);
                client.awaitLine("READY", 30_000);
                client.send("connect /lease/noop");
                client.awaitLine("CONNECTED", 30_000);
                client.send("noop " + calls);
                final String[] r = client.awaitLine("NOOP", 300_000).split(" ");
                sample("lease-noop-rtt|" + mode[0], Long.parseLong(r[1]));
                sample("lease-noop-rtt|" + mode[0] + "|p99", Long.parseLong(r[2]));
                final String runLine = String.format(Locale.ROOT, "run %d: %-26s no-op p50 %d ns p99 %d ns", run + 1, mode[0],
                    Long.parseLong(r[1]), Long.parseLong(r[2]));
                System.out.println(runLine);
                runLines.add(runLine);
                if (mode[1].equals("0"))
                {
                    client.send("renew 2000");
                    final String[] n = client.awaitLine("RENEW", 60_000).split(" ");
                    sample("lease-renew|rpcool-daemon", Long.parseLong(n[1]));
                    sample("lease-renew|rpcool-daemon|p99", Long.parseLong(n[2]));
                    System.out.printf(Locale.ROOT, "run %d: one lease renewal p50 %d ns p99 %d ns%n", run + 1, Long.parseLong(n[1]),
                        Long.parseLong(n[2]));
                }
                client.kill9();
            }
        }
        server.kill9();
    }

    /** Kill-to-notification and orphan reclaim in a two-host cluster. */
    private void cluster(final int repCount) throws Exception
    {
        try (LocalCluster cluster = LocalCluster.start(base, "rpcool-bench", 10_000, RECLAIM_DELAY_MS))
        {
            final Path pool = cluster.pool();
            final String connect = cluster.connectString();
            final ClusterInspector inspector = cluster.inspector();
            zkLeaseOps(connect, pool);
            final long baseline = PoolUsage.usedBytes(pool);
            for (int rep = 0; rep < repCount; rep++)
            {
                final String a = "hostA" + rep;
                final String b = "hostB" + rep;
                final ChildJvm daemonA = daemon(a, connect, pool);
                final ChildJvm daemonB = daemon(b, connect, pool);
                // one host
                long notify = killAndNotify(a, a, daemonA, false);
                sample("lease-kill-to-notify|same-host", notify);
                // across hosts, then reclaim after the client's close
                final long[] cross = killNotifyAndClose(a, b, inspector, baseline, pool);
                sample("lease-kill-to-notify|cross-host", cross[0]);
                sample("lease-orphan-reclaim|after-last-close", cross[1]);
                // a whole host (its daemon and its server) dies; the client closes when told; the server's
                // lease goes with host A's session, then the heap is reclaimed
                notify = killAndNotify(a, b, daemonA, true);
                sample("lease-kill-to-notify|host-failure", notify);
                awaitPool(inspector, pool, baseline, CLUSTER_LEASE_MS + RECLAIM_DELAY_MS + 15_000);
                sample("lease-orphan-reclaim|after-host-kill", TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - lastKillMs));
                daemonB.kill9();
                System.out.printf(Locale.ROOT, "rep %d: notified %.0f ms same host, %.0f ms across hosts, %.0f ms host failure; " +
                    "reclaimed %.0f ms after close, %.0f ms after the host's kill%n", rep + 1, last("lease-kill-to-notify|same-host"),
                    last("lease-kill-to-notify|cross-host"), last("lease-kill-to-notify|host-failure"),
                    last("lease-orphan-reclaim|after-last-close"), last("lease-orphan-reclaim|after-host-kill"));
            }
        }
    }

    private double last(final String key)
    {
        final List<Long> v = samples.get(key);
        return v.get(v.size() - 1) / 1e6;
    }

    private void zkLeaseOps(final String connect, final Path pool)
    {
        final ZkControlPlane cp = new ZkControlPlane(connect, "/rpcool",
            new ClusterSettings("bench-zk", pool, CLUSTER_LEASE_MS, 0x5000_0000_0000L, 0x6000_0000_0000L), null);
        cp.start(new ControlPlane.Listener()
        {
            @Override
            public void onMessage(final String fromHost, final byte[] message)
            {
            }

            @Override
            public void onHostFailed(final String hostId)
            {
            }
        });
        try
        {
            final PoolHeap heap = cp.createHeap(1 << 20, 1, "bench");
            SharedMemory.close(heap.fd());
            final List<Long> v = new ArrayList<>();
            for (int i = 0; i < 1000; i++)
            {
                final long start = System.nanoTime();
                cp.acquireLease(heap.address(), 2);
                cp.releaseLease(heap.address(), 2);
                if (i >= 200)
                {
                    v.add(System.nanoTime() - start);
                }
            }
            Collections.sort(v);
            sample("lease-zk-op|zookeeper-embedded", v.get(v.size() / 2));
            sample("lease-zk-op|zookeeper-embedded|p99", v.get(v.size() * 99 / 100));
            cp.releaseLease(heap.address(), 1);
        }
        finally
        {
            cp.close();
        }
    }

    private ChildJvm daemon(final String host, final String connect, final Path pool)
    {
        final ChildJvm d = start("daemon-" + host, DaemonMain.class, List.of(), "--dir", base.resolve(host).toString(), "--host", host,
            "--orchestrator", "zk:" + connect, "--pool", pool.toString(), "--lease-timeout-ms", String.valueOf(CLUSTER_LEASE_MS),
            "--seal-backend", "mprotect");
        d.awaitLine(DaemonMain.LISTENING, 30_000);
        return d;
    }

    /**
     * Server on {@code serverHost}, client on {@code clientHost}; kill the server (and first its daemon,
     * for a host failure); return ns from the kill to the client's failure listener.
     */
    private long killAndNotify(final String serverHost, final String clientHost, final ChildJvm daemon, final boolean hostFailure)
        throws Exception
    {
        final ChildJvm server = start("server", LeaseBenchServer.class, List.of(), base.resolve(serverHost).toString(), "/lease/kill",
            "pool-1", "external", "0");
        server.awaitLine("READY", 30_000);
        final ChildJvm client = start("client", LeaseBenchClient.class, List.of(), base.resolve(clientHost).toString(), "pool-1", "0");
        client.awaitLine("READY", 30_000);
        client.send("connect /lease/kill");
        client.awaitLine("CONNECTED", 30_000);
        client.send("noop 1000");
        client.awaitLine("NOOP", 30_000);
        Thread.sleep(200);
        final long killedAt = System.currentTimeMillis();
        lastKillMs = killedAt;
        if (hostFailure)
        {
            daemon.kill9();
        }
        server.kill9();
        final long toldAt = Long.parseLong(client.awaitLine("PEER_FAILED", CLUSTER_LEASE_MS + 15_000).split(" ")[1]);
        client.send("close");
        client.awaitLine("CLOSED", 10_000);
        client.kill9();
        return TimeUnit.MILLISECONDS.toNanos(toldAt - killedAt);
    }

    /** Across hosts: kill the server, time the notification, then time the reclaim after the client closes. */
    private long[] killNotifyAndClose(final String serverHost, final String clientHost, final ClusterInspector inspector,
        final long baseline, final Path pool) throws Exception
    {
        final ChildJvm server = start("server", LeaseBenchServer.class, List.of(), base.resolve(serverHost).toString(), "/lease/x",
            "pool-1", "external", "0");
        server.awaitLine("READY", 30_000);
        final ChildJvm client = start("client", LeaseBenchClient.class, List.of(), base.resolve(clientHost).toString(), "pool-1", "0");
        client.awaitLine("READY", 30_000);
        client.send("connect /lease/x");
        client.awaitLine("CONNECTED", 30_000);
        client.send("noop 1000");
        client.awaitLine("NOOP", 30_000);
        Thread.sleep(200);
        final long killedAt = System.currentTimeMillis();
        server.kill9();
        final long toldAt = Long.parseLong(client.awaitLine("PEER_FAILED", CLUSTER_LEASE_MS + 15_000).split(" ")[1]);
        Thread.sleep(300);
        client.send("close");
        client.awaitLine("CLOSED", 10_000);
        final long closedAt = System.currentTimeMillis();
        awaitPool(inspector, pool, baseline, RECLAIM_DELAY_MS + 15_000);
        final long reclaimMs = System.currentTimeMillis() - closedAt;
        client.kill9();
        return new long[] {TimeUnit.MILLISECONDS.toNanos(toldAt - killedAt), TimeUnit.MILLISECONDS.toNanos(reclaimMs)};
    }

    private static void awaitPool(final ClusterInspector inspector, final Path pool, final long baseline, final long timeoutMs)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (inspector.heapCount() > 0 || PoolUsage.heapFiles(pool) > 0 || PoolUsage.usedBytes(pool) > baseline)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("the pool did not come back within " + timeoutMs + " ms:\n" + inspector.describe());
            }
            Thread.sleep(10);
        }
    }

    static String markdown(final BenchReport report)
    {
        final StringBuilder sb = new StringBuilder();
        final Header h = report.header();
        sb.append("# lease\n\n").append(String.format(Locale.ROOT, "%s, %s, %d cores, JDK %s, %s%s, %d run(s)%n%n", h.cpuModel(), h.vm(),
            h.cores(), h.jdk(), h.date(), h.quick() ? ", quick" : "", h.runs()));
        sb.append("| case | system | metric | value |\n|---|---|---|---|\n");
        double off = Double.NaN;
        double def = Double.NaN;
        double fast = Double.NaN;
        double offMin = Double.NaN;
        double defMin = Double.NaN;
        double fastMin = Double.NaN;
        for (final Record r : report.records())
        {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", r.caseName(), r.system(), r.metric(), human(r.value())));
            if (r.caseName().equals("lease-noop-rtt") && r.metric().equals("min"))
            {
                switch (r.system())
                {
                    case "rpcool-shm-no-renewal": offMin = r.value(); break;
                    case "rpcool-shm-renew-default": defMin = r.value(); break;
                    case "rpcool-shm-renew-1ms": fastMin = r.value(); break;
                    default: break;
                }
            }
            if (r.caseName().equals("lease-noop-rtt") && r.metric().equals(Record.P50))
            {
                switch (r.system())
                {
                    case "rpcool-shm-no-renewal": off = r.value(); break;
                    case "rpcool-shm-renew-default": def = r.value(); break;
                    case "rpcool-shm-renew-1ms": fast = r.value(); break;
                    default: break;
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "%nNo-op p50 against no renewal, same run: default renewal %+.1f %% (median of runs) / " +
            "%+.1f %% (best run); renewal every millisecond %+.1f %% / %+.1f %%.%n%n%s%n",
            (def / off - 1) * 100, (defMin / offMin - 1) * 100, (fast / off - 1) * 100, (fastMin / offMin - 1) * 100, h.note()));
        return sb.toString();
    }

    private static String human(final double ns)
    {
        if (ns >= 1e6)
        {
            return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
        }
        if (ns >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }

    private ChildJvm start(final String name, final Class<?> main, final List<String> props, final String... args)
    {
        final ChildJvm jvm = ChildJvm.builder(main).name(name).jvmFlags("-Xmx256m", "-XX:+UseSerialGC").jvmFlags(props).args(args).start();
        procs.add(jvm);
        return jvm;
    }

    private static void deleteTree(final Path dir)
    {
        try (var files = Files.walk(dir))
        {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            // best effort
        }
    }
}
