package io.rpcool.examples.cooldb.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.rpcool.examples.cooldb.grpc.GrpcCoolDbServer;
import io.rpcool.examples.cooldb.shm.CoolDbProtocol;
import io.rpcool.examples.cooldb.shm.CoolDbServer;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.harness.machine.CpuAccounting;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.ProbeEntry;

/**
 * The {@code cooldb} benchmark: for each system a fresh server JVM and a fresh client JVM run
 * {@link CoolDbWorkload}; systems alternate (order rotated each run) and a placement probe and the
 * CPU other processes used are recorded around each, as the bench module's harness does. Results go
 * to {@code <out>/cooldb.json}, {@code .md} and {@code .png} ({@link CoolDbReport}).
 */
public final class CoolDbBenchmark
{
    /** Exit code when a system's run failed. */
    public static final int EXIT_SYSTEM_FAILED = 3;
    /** Exit code when the systems' results differ. */
    public static final int EXIT_RESULTS_DIFFER = 4;

    /** Probe mode recorded when probes are switched off. */
    public static final String NO_PROBE = "none";

    private static final long READY_TIMEOUT_MS = 60_000;
    private static final long CLIENT_TIMEOUT_MIN = 60;
    private static final long EXIT_TIMEOUT_MS = 60_000;
    private static final String READY = "READY ";

    /**
     * @param docs    N.
     * @param queries queries in the search phase.
     * @param seed    of the data and the query mix.
     * @param runs    runs over all systems.
     * @param outDir  where the report goes.
     * @param systems systems to run.
     * @param heap    -Xms/-Xmx of every forked JVM, e.g. {@code 2g}.
     * @param probeMs duration of each placement probe; 0 skips them.
     * @param idle    RPCool's waiting mode ({@code rpcool.idle}): {@code adaptive} (the daemon's choice by
     *                host load), {@code spin}, {@code sleep} or {@code hand-off}.
     * @param preTouch whether RPCool's server and client fault in the channel's heap before timing, as
     *                 every forked JVM pre-touches its Java heap.
     */
    public record Options(long docs, int queries, long seed, int runs, Path outDir, List<String> systems, String heap,
        long probeMs, String idle, boolean preTouch)
    {
    }

    /**
     * One system's run.
     *
     * @param run    from 1.
     * @param system name.
     * @param result what its client measured, or null if it failed.
     * @param probe  placement probes, other CPU and status.
     */
    public record SystemRun(int run, String system, WorkloadResult result, ProbeEntry probe)
    {
    }

    private final Options options;
    private final PrintStream out;
    private final Path logDir;

    public CoolDbBenchmark(final Options options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
        this.logDir = options.outDir().resolve("tmp").resolve("cooldb");
    }

    /**
     * Run every system {@code runs} times, write the report and print it.
     *
     * @return 0, {@link #EXIT_SYSTEM_FAILED} or {@link #EXIT_RESULTS_DIFFER}.
     */
    public int run() throws IOException
    {
        Files.createDirectories(logDir);
        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        out.printf("cooldb: %d documents, %d queries, seed %d, systems %s, %d run(s); logs in %s%n",
            options.docs(), options.queries(), options.seed(), options.systems(), options.runs(), logDir);
        final PlacementProbe probe = new PlacementProbe(Math.max(1, options.probeMs()));
        final int cores = Runtime.getRuntime().availableProcessors();
        final List<SystemRun> runs = new ArrayList<>();
        double before = probe(probe);
        for (int run = 1; run <= options.runs(); run++)
        {
            final List<String> order = new ArrayList<>(options.systems());
            java.util.Collections.rotate(order, -(run - 1));
            for (final String system : order)
            {
                out.printf("run %d: %s%n", run, system);
                final CpuAccounting start = CpuAccounting.snapshot();
                WorkloadResult result = null;
                String status = ProbeEntry.OK;
                try
                {
                    result = runSystem(system, run);
                }
                catch (final Exception e)
                {
                    status = e.toString();
                    out.printf("run %d: %s FAILED: %s%n", run, system, status);
                }
                final double foreign = CpuAccounting.foreignPercent(start, CpuAccounting.snapshot(), cores);
                final double after = probe(probe);
                runs.add(new SystemRun(run, system, result, new ProbeEntry(run, system, before, mode(before),
                    after, mode(after), Double.isNaN(foreign) ? null : foreign, status)));
                before = after;
            }
        }
        final CoolDbReport report = CoolDbReport.build(options, date, runs);
        report.write(options.outDir());
        out.println();
        out.print(report.markdown());
        out.println("\nwrote " + options.outDir().resolve("cooldb.{json,md,png}"));
        if (runs.stream().anyMatch(r -> r.result() == null))
        {
            return EXIT_SYSTEM_FAILED;
        }
        return report.digestsAgree() ? 0 : EXIT_RESULTS_DIFFER;
    }

    private double probe(final PlacementProbe probe)
    {
        return options.probeMs() > 0 ? probe.run() : 0;
    }

    private String mode(final double probeNs)
    {
        return options.probeMs() > 0 ? PlacementProbe.mode(probeNs) : NO_PROBE;
    }

    private WorkloadResult runSystem(final String system, final int run) throws Exception
    {
        final Path scratch = Files.createTempDirectory(Path.of("/dev/shm"), "cooldb-" + system + "-");
        final String prefix = "run" + run + "-" + system;
        // Both ends grow the channel's shared heap in large steps, so documents stay in a few heaps.
        final List<String> props = List.of("-Drpcool.dir=" + scratch, "-Drpcool.heapSize=" + CoolDbServer.DEFAULT_HEAP_SIZE,
            "-Drpcool.idle=" + options.idle(), "-D" + CoolDbServer.PRE_TOUCH_PROPERTY + "=" + options.preTouch());
        final Class<?> serverMain;
        final List<String> serverArgs;
        final List<String> serverProps = new ArrayList<>(props);
        if (system.equals(StoreClients.RPCOOL_SHM))
        {
            serverMain = CoolDbServer.class;
            serverArgs = List.of(CoolDbProtocol.DEFAULT_CHANNEL);
            serverProps.add("-Drpcool.quota.bytes=" + (16L << 30));
        }
        else if (system.equals(StoreClients.GRPC_PROTOBUF))
        {
            serverMain = GrpcCoolDbServer.class;
            serverArgs = List.of(scratch.toString());
        }
        else
        {
            throw new IllegalArgumentException("unknown system " + system + "; one of " + StoreClients.SYSTEMS);
        }
        final ChildJvm server = fork(prefix + "-server", serverMain, serverProps, serverArgs).start();
        try
        {
            final String endpoint = server.awaitLine(READY, READY_TIMEOUT_MS).substring(READY.length()).trim();
            final ChildJvm.Builder clientFork = fork(prefix + "-client", CoolDbWorkload.class, props, List.of(system, endpoint,
                String.valueOf(options.docs()), String.valueOf(options.queries()), String.valueOf(options.seed())))
                .onLine(line ->
                {
                    if (!line.startsWith(WorkloadResult.PREFIX))
                    {
                        out.println("  " + line);
                    }
                });
            try (ChildJvm client = clientFork.start())
            {
                final String result = client.awaitLine(WorkloadResult.PREFIX, TimeUnit.MINUTES.toMillis(CLIENT_TIMEOUT_MIN))
                    .substring(WorkloadResult.PREFIX.length());
                final int exit = client.awaitExit(EXIT_TIMEOUT_MS);
                if (exit != 0)
                {
                    throw new IllegalStateException("client exited with " + exit + " (see " + logDir.resolve(prefix + "-client.log") + ")");
                }
                return CoolDbWorkload.fromJson(result);
            }
        }
        finally
        {
            server.stop(15_000, 5_000);
            deleteRecursively(scratch);
        }
    }

    /**
     * @return a server or client JVM of this run: the same heap, collector and pre-touch for both systems, stderr to
     * {@code <name>.log} in the log directory.
     */
    private ChildJvm.Builder fork(final String name, final Class<?> main, final List<String> props, final List<String> args)
    {
        return ChildJvm.builder(main).name(name).jvmFlags(jvmFlags(options.heap())).jvmFlags(props).args(args)
            .stderrTo(logDir.resolve(name + ".log"));
    }

    /**
     * @param heap -Xms and -Xmx.
     * @return heap and collector flags of every forked JVM, after the flags every JVM of the project gets.
     */
    static List<String> jvmFlags(final String heap)
    {
        return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-XX:+AlwaysPreTouch");
    }

    private static void deleteRecursively(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        catch (final IOException ignore)
        {
            // best effort: a scratch directory under /dev/shm
        }
    }
}
