package io.rpcool.bench.harness;

import io.rpcool.bench.BenchSystem;
import io.rpcool.bench.fork.ClientOptions;
import io.rpcool.bench.fork.ClientResult;
import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.report.SystemRun;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.harness.machine.CpuAccounting;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.ProbeEntry;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs systems as separate JVMs: for each system a placement probe, a fresh server JVM (awaited until
 * it prints {@code READY}), a fresh client JVM (awaited until it prints {@code RESULT}), both stopped,
 * and a second probe. Runs rotate the order of the systems. Systems run back to back, so the probe
 * after one system is also the probe before the next.
 */
public final class Harness
{
    /**
     * Time a server JVM gets to print {@code READY}.
     */
    public static final long READY_TIMEOUT_MS = 60_000;

    /**
     * Time a client JVM gets beyond its phases: JVM start, connecting, reporting.
     */
    public static final long CLIENT_SLACK_MS = 60_000;

    /**
     * Heap and collector flags of every fork, before a system's own: a fixed, pre-touched heap, so no
     * fork grows its heap while it is timed.
     */
    public static final List<String> COMMON_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC");

    /**
     * System property that sets the forks' class path.
     */
    public static final String CLASSPATH_PROPERTY = "rpcool.bench.classpath";

    /**
     * How long a fork gets to leave after its stdin closed, then after SIGTERM, before SIGKILL.
     */
    static final long STDIN_GRACE_MS = 3000;
    static final long TERM_GRACE_MS = 2000;

    private final String forkClassPath;
    private final Path logDir;
    private final Path scratchRoot;
    private final PlacementProbe probe;
    private final PrintStream console;
    private double lastProbeNs = Double.NaN;
    private List<String> extraJvmArgs = List.of();

    /**
     * @param forkClassPath  class path of every fork, see {@link #forkClassPath()}.
     * @param logDir       where each fork's stdout and stderr logs go.
     * @param scratchRoot  parent of the servers' scratch directories; deleted afterwards.
     * @param probeMs      duration of each placement probe.
     * @param console      progress output.
     */
    public Harness(final String forkClassPath, final Path logDir, final Path scratchRoot, final long probeMs,
        final PrintStream console)
    {
        this.forkClassPath = forkClassPath;
        this.logDir = logDir;
        this.scratchRoot = scratchRoot;
        this.probe = new PlacementProbe(probeMs);
        this.console = console;
    }

    /**
     * JVM arguments every system's forks get after the system's own (a later {@code -D} wins), e.g.
     * the waiting mode of a loaded run.
     */
    public Harness extraJvmArgs(final List<String> extraJvmArgs)
    {
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
        return this;
    }

    /**
     * @return a fresh scratch root in {@code /dev/shm} where available (shared-memory files and
     * sockets should not touch a disk), else in the temporary directory.
     * @throws IOException if it cannot be created.
     */
    public static Path defaultScratchRoot() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final String prefix = "rpcool-bench-";
        return Files.isDirectory(shm) && Files.isWritable(shm) ?
            Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
    }

    /**
     * The forks' class path, in order of preference: the {@value #CLASSPATH_PROPERTY} system property;
     * this module's classes plus the dependency list the build writes to {@code target/bench-classpath.txt};
     * this JVM's own {@code java.class.path}.
     *
     * @return the class path.
     */
    public static String forkClassPath()
    {
        final String explicit = System.getProperty(CLASSPATH_PROPERTY);
        if (explicit != null && !explicit.isBlank())
        {
            return explicit;
        }
        try
        {
            final Path codeLocation = Path.of(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path listFile = codeLocation.getParent().resolve("bench-classpath.txt");
            if (Files.isRegularFile(listFile))
            {
                final String dependencies = Files.readString(listFile).trim();
                return dependencies.isEmpty() ? codeLocation.toString() : codeLocation + File.pathSeparator + dependencies;
            }
        }
        catch (final URISyntaxException | IOException | RuntimeException ignore)
        {
            // fall back to this JVM's class path
        }
        return System.getProperty("java.class.path");
    }

    /**
     * @param name     name of the fork and of its log files {@code name.out.log} and {@code name.err.log}.
     * @param main     class to run.
     * @param jvmArgs  flags after {@link #COMMON_FLAGS}.
     * @param args     program arguments.
     * @param logs     directory of the log files.
     * @return the fork, ready to start: the forks' class path, stdout copied and stderr written to the log files.
     */
    public ChildJvm.Builder fork(final String name, final Class<?> main, final List<String> jvmArgs, final List<String> args,
        final Path logs)
    {
        return ChildJvm.builder(main).name(name).classPath(forkClassPath).jvmFlags(COMMON_FLAGS).jvmFlags(jvmArgs).args(args)
            .stdoutCopy(logs.resolve(name + ".out.log")).stderrTo(logs.resolve(name + ".err.log"));
    }

    /**
     * @param systems  systems in base order.
     * @param run      run index, from 0.
     * @return the systems rotated left by {@code run}.
     */
    public static List<BenchSystem> rotate(final List<BenchSystem> systems, final int run)
    {
        final List<BenchSystem> order = new ArrayList<>(systems.size());
        for (int i = 0; i < systems.size(); i++)
        {
            order.add(systems.get((i + run) % systems.size()));
        }
        return order;
    }

    /**
     * @param systems  systems to run.
     * @param options  client phases (the thread count is capped per system).
     * @param runs     runs over all systems.
     * @return one entry per system and run, in execution order.
     * @throws InterruptedException if interrupted.
     */
    public List<SystemRun> run(final List<BenchSystem> systems, final ClientOptions options, final int runs)
        throws InterruptedException
    {
        final List<SystemRun> results = new ArrayList<>();
        try
        {
            probe.run(); // warm the probe's code before its first recorded figure
            lastProbeNs = Double.NaN;
            for (int run = 1; run <= runs; run++)
            {
                for (final BenchSystem system : rotate(systems, run - 1))
                {
                    final SystemRun result = runOnce(system, options, run);
                    console.println(progressLine(runs, result));
                    results.add(result);
                }
            }
        }
        finally
        {
            deleteRecursively(scratchRoot);
        }
        return results;
    }

    /**
     * Run a server and client pair {@code runs} times, one after the other, each between placement probes.
     *
     * @param pair    what to fork.
     * @param runs    how many times.
     * @param parse   turns a client's result JSON into its figures.
     * @param onRun   told of every run as it ends, e.g. to print progress.
     * @param <T>     type of the figures.
     * @return one outcome per run, in order.
     * @throws InterruptedException if interrupted.
     */
    public <T> List<Outcome<T>> runPairs(final ForkPair pair, final int runs, final Function<String, T> parse,
        final Consumer<Outcome<T>> onRun) throws InterruptedException
    {
        final List<Outcome<T>> outcomes = new ArrayList<>();
        try
        {
            probe.run(); // warm the probe's code before its first recorded figure
            lastProbeNs = Double.NaN;
            for (int run = 1; run <= runs; run++)
            {
                final Outcome<T> outcome = runPair(pair, run, parse);
                onRun.accept(outcome);
                outcomes.add(outcome);
            }
        }
        finally
        {
            deleteRecursively(scratchRoot);
        }
        return outcomes;
    }

    /**
     * Run one system once.
     *
     * @param system   system.
     * @param options  client phases.
     * @param run      run index, from 1, used in log and scratch names.
     * @return the outcome; failures are recorded, not thrown.
     * @throws InterruptedException if interrupted.
     */
    public SystemRun runOnce(final BenchSystem system, final ClientOptions options, final int run)
        throws InterruptedException
    {
        final ClientOptions clientOptions = options.withThreads(Math.max(1, Math.min(options.threads(),
            system.maxClientThreads())));
        final List<String> jvmArgs = new ArrayList<>(system.jvmArgs());
        jvmArgs.addAll(extraJvmArgs);
        final ForkPair pair = new ForkPair(system.name(), system.serverMain(), system.clientMain(), jvmArgs,
            clientOptions.toArgs(), clientOptions.maxDurationMs() + CLIENT_SLACK_MS);
        final Outcome<ClientResult> outcome = runPair(pair, run, ForkProtocol::parseResult);
        return new SystemRun(outcome.probe(), outcome.result(), outcome.elapsedS());
    }

    /**
     * Run a server JVM and a client JVM once, between two placement probes: the server is started
     * with a private scratch directory and awaited until it prints {@code READY <endpoint>}, the
     * client is started with the endpoint followed by {@link ForkPair#clientArgs()} and awaited until
     * it prints {@code RESULT <json>} and exits 0; then both are stopped.
     *
     * @param pair   what to fork.
     * @param run    run index, from 1, used in log and scratch names.
     * @param parse  turns the client's result JSON into its figures; may throw on malformed input.
     * @param <T>    type of the figures.
     * @return the outcome; failures (including a result that does not parse) are recorded, not thrown.
     * @throws InterruptedException if interrupted.
     */
    public <T> Outcome<T> runPair(final ForkPair pair, final int run, final Function<String, T> parse)
        throws InterruptedException
    {
        final Path scratch = scratchRoot.resolve(run + "-" + pair.name());
        final Path logs = logDir.resolve("run" + run);

        final long startNs = System.nanoTime();
        final double probeBeforeNs = Double.isNaN(lastProbeNs) ? probe.run() : lastProbeNs;
        final CpuAccounting start = CpuAccounting.snapshot();
        T result = null;
        String failure = null;
        try
        {
            result = parse.apply(runForks(pair, scratch, logs));
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = String.valueOf(ex.getMessage());
        }
        finally
        {
            deleteRecursively(scratch);
        }
        final CpuAccounting end = CpuAccounting.snapshot();
        final double probeAfterNs = probe.run();
        lastProbeNs = probeAfterNs;
        final double elapsedS = (System.nanoTime() - startNs) / 1e9;

        final double foreign = CpuAccounting.foreignPercent(start, end, Runtime.getRuntime().availableProcessors());
        final ProbeEntry entry = new ProbeEntry(run, pair.name(),
            probeBeforeNs, PlacementProbe.mode(probeBeforeNs),
            probeAfterNs, PlacementProbe.mode(probeAfterNs),
            Double.isNaN(foreign) ? null : Math.round(foreign * 10) / 10.0,
            failure == null ? ProbeEntry.OK : failure);
        return new Outcome<>(entry, result, Math.round(elapsedS * 10) / 10.0);
    }

    /**
     * Run one JVM that measures on its own (no server, no placement probe) and wait for its result:
     * it is started with {@code args}, must print {@code RESULT <json>} within {@code timeoutMs} and
     * then exit 0. Its logs go to {@code <log dir>/run<run>/<name>.{out,err}.log}.
     *
     * @param name       short name for logs and errors.
     * @param run        run index, from 1, used in log names.
     * @param main       class to run.
     * @param jvmArgs    extra JVM arguments after the required and common flags.
     * @param args       program arguments.
     * @param timeoutMs  how long it may take to print its result.
     * @return the result JSON.
     * @throws IOException if it exits non-zero after its result.
     * @throws io.rpcool.harness.jvm.ChildJvmException if it ends or times out without a result.
     */
    public String runSingle(final String name, final int run, final Class<?> main, final List<String> jvmArgs,
        final List<String> args, final long timeoutMs) throws IOException
    {
        final ChildJvm jvm = fork(name, main, jvmArgs, args, logDir.resolve("run" + run)).start();
        try
        {
            return result(jvm, name, timeoutMs);
        }
        finally
        {
            jvm.stop(STDIN_GRACE_MS, TERM_GRACE_MS);
        }
    }

    private String runForks(final ForkPair pair, final Path scratch, final Path logs) throws IOException
    {
        final ChildJvm server = fork(pair.name() + "-server", pair.serverMain(), pair.jvmArgs(), List.of(scratch.toString()), logs)
            .start();
        try
        {
            final String endpoint = rest(server.awaitLine(ForkProtocol.READY_PREFIX, READY_TIMEOUT_MS), ForkProtocol.READY_PREFIX);
            final List<String> clientArgs = new ArrayList<>();
            clientArgs.add(endpoint);
            clientArgs.addAll(pair.clientArgs());
            final ChildJvm client = fork(pair.name() + "-client", pair.clientMain(), pair.jvmArgs(), clientArgs, logs).start();
            try
            {
                return result(client, pair.name() + "-client", pair.clientTimeoutMs());
            }
            finally
            {
                client.stop(STDIN_GRACE_MS, TERM_GRACE_MS);
            }
        }
        finally
        {
            server.stop(STDIN_GRACE_MS, TERM_GRACE_MS);
        }
    }

    /**
     * @return the JSON of the fork's {@code RESULT} line, once it exited 0 after printing it.
     */
    private static String result(final ChildJvm jvm, final String name, final long timeoutMs) throws IOException
    {
        final String json = rest(jvm.awaitLine(ForkProtocol.RESULT_PREFIX, timeoutMs), ForkProtocol.RESULT_PREFIX);
        final int exit = jvm.awaitExit(10_000);
        if (exit != 0)
        {
            throw new IOException(name + " exited with " + exit + " after its result");
        }
        return json;
    }

    private static String rest(final String line, final String prefix)
    {
        return line.substring(prefix.length()).trim();
    }

    /**
     * A server main and a client main run together once.
     *
     * @param name             name in logs, scratch directories and probe entries.
     * @param serverMain       prints {@code READY <endpoint>}, serves until stdin ends.
     * @param clientMain       receives the endpoint then {@code clientArgs}, prints {@code RESULT <json>}.
     * @param jvmArgs          extra JVM arguments for both.
     * @param clientArgs       client arguments after the endpoint.
     * @param clientTimeoutMs  how long the client may take to print its result.
     */
    public record ForkPair(
        String name,
        Class<?> serverMain,
        Class<?> clientMain,
        List<String> jvmArgs,
        List<String> clientArgs,
        long clientTimeoutMs)
    {
    }

    /**
     * What one {@link ForkPair} run gave.
     *
     * @param probe     run, name, placement probes around it, other CPU use and status.
     * @param result    the parsed figures, {@code null} if the run failed.
     * @param elapsedS  wall time, probes and JVM start-up included.
     * @param <T>       type of the figures.
     */
    public record Outcome<T>(ProbeEntry probe, T result, double elapsedS)
    {
    }

    private static String progressLine(final int runs, final SystemRun run)
    {
        final ProbeEntry probe = run.probe();
        final StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "run %d/%d %-20s ", probe.run(), runs, probe.system()));
        final ClientResult r = run.result();
        if (r == null)
        {
            line.append("FAILED: ").append(probe.status());
        }
        else
        {
            line.append("p50 ").append(MarkdownReportWriter.duration(r.p50Ns()))
                .append("  p99 ").append(MarkdownReportWriter.duration(r.p99Ns()))
                .append("  p99.9 ").append(MarkdownReportWriter.duration(r.p999Ns()))
                .append("  ").append(MarkdownReportWriter.rate(r.opsPerS())).append(" ops/s");
            if (r.multiOpsPerS() != null)
            {
                line.append(" (").append(r.multiThreads()).append(" clients ")
                    .append(MarkdownReportWriter.rate(r.multiOpsPerS())).append(" ops/s)");
            }
        }
        line.append(String.format(Locale.ROOT, "  probe %.0f/%.0f ns", probe.beforeP50Ns(), probe.afterP50Ns()));
        if (probe.foreignCpuPct() != null)
        {
            line.append(String.format(Locale.ROOT, "  other CPU %.1f %%", probe.foreignCpuPct()));
        }
        line.append(String.format(Locale.ROOT, "  [%.1f s]", run.elapsedS()));
        return line.toString();
    }

    static void deleteRecursively(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ignore)
        {
            // best effort: scratch lives in /dev/shm or the temporary directory
        }
    }
}
