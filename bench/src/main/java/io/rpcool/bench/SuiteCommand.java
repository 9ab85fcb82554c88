package io.rpcool.bench;

import io.rpcool.bench.fork.ClientOptions;
import io.rpcool.bench.harness.Harness;
import io.rpcool.bench.harness.LoadBurners;
import io.rpcool.bench.report.ReportBuilder;
import io.rpcool.bench.report.SystemRun;
import io.rpcool.bench.suite.NoopSuite;
import io.rpcool.bench.suite.Suite;
import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.ChartWriter;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.Record;
import io.rpcool.harness.report.ReportFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs one suite over the selected systems and writes {@code <out>/<suite>.json}, {@code .md} and
 * {@code .png}; fork logs go to {@code <out>/tmp/<suite>/}.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class SuiteCommand implements Callable<Integer>
{
    static final int EXIT_OK = 0;
    static final int EXIT_ASSERTION = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_SYSTEM_FAILED = 3;

    private final Suite suite;

    @Option(names = "--quick", description = "Short smoke run (the noop suite finishes in under 3 minutes).")
    boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "Runs over all systems, rotating their order; " +
        "records are medians over runs (default: 3).")
    Integer runs;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "bench/results",
        description = "Directory for <suite>.json, .md and .png (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--systems", paramLabel = "NAME", split = ",",
        description = "Systems to run, comma-separated (default: all registered for the suite).")
    List<String> systems;

    @Option(names = "--reference", paramLabel = "NAME", description = "System the Markdown ratios divide by " +
        "(default: " + BenchReport.RPCOOL_REFERENCE + " when present, else " + BenchReport.RAW_SHM_REFERENCE + ").")
    String reference;

    @Option(names = "--assert-faster", paramLabel = "A,B", split = ",",
        description = "Exit 1 unless system A's median p50 round trip is lower than system B's in this run.")
    List<String> assertFaster;

    @Option(names = "--threads", paramLabel = "N", description = "Client threads in the multi-client case " +
        "(default: " + NoopSuite.DEFAULT_CLIENT_THREADS + ").")
    Integer threads;

    @Option(names = "--warmup-calls", paramLabel = "N", description = "Override the warm-up call count.")
    Long warmupCalls;

    @Option(names = "--calls", paramLabel = "N", description = "Override the measured round-trip count.")
    Long calls;

    @Option(names = "--load", paramLabel = "N", description = "Busy processes (sh busy loops) competing for the cores " +
        "throughout the run, started and killed by the harness; writes <suite>-loaded.json with case <suite>-rtt-loaded.")
    int load;

    @Option(names = "--gap-us", paramLabel = "US", description = "Issue the latency calls open-loop, one every US µs, " +
        "timed from their intended send times (with --load or alone; RPCool forks then wait adaptively).")
    long gapUs;

    @Option(names = "--probe-ms", paramLabel = "MS", defaultValue = "500",
        description = "Duration of each placement probe (default: ${DEFAULT-VALUE}).")
    long probeMs;

    SuiteCommand(final Suite suite)
    {
        this.suite = suite;
    }

    @Override
    public Integer call() throws Exception
    {
        if (load < 0 || gapUs < 0)
        {
            System.err.println("--load and --gap-us must not be negative");
            return EXIT_USAGE;
        }
        final boolean loaded = load > 0 || gapUs > 0;
        final String reportSuite = loaded ? suite.name() + Record.LOADED_SUFFIX : suite.name();
        final List<BenchSystem> selected = selectSystems(loaded ? reportSuite : null);
        if (selected == null)
        {
            return EXIT_USAGE;
        }
        if (assertFaster != null && (assertFaster.size() != 2 || !names(selected).containsAll(assertFaster)))
        {
            System.err.println("--assert-faster needs two selected systems, got " + assertFaster);
            return EXIT_USAGE;
        }

        final int runCount = runs != null ? runs : suite.defaultRuns(quick);
        if (runCount < 1)
        {
            System.err.println("--runs must be at least 1");
            return EXIT_USAGE;
        }
        ClientOptions options = suite.clientOptions(quick);
        if (threads != null)
        {
            options = options.withThreads(threads);
        }
        if (loaded)
        {
            options = options.withGapUs(gapUs).withThreads(1);
        }
        if (warmupCalls != null || calls != null)
        {
            options = options.withCalls(
                warmupCalls != null ? warmupCalls : options.warmupCalls(), calls != null ? calls : options.measureCalls());
        }

        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Files.createDirectories(outDir);
        final Path logDir = outDir.resolve("tmp").resolve(suite.name());
        final Harness harness = new Harness(
            Harness.forkClassPath(), logDir, Harness.defaultScratchRoot(), probeMs, System.out);
        if (loaded)
        {
            harness.extraJvmArgs(List.of("-Drpcool.idle=adaptive"));
        }
        System.out.println(reportSuite + ": " + names(selected) + ", " + runCount + " run(s)" +
            (quick ? ", quick" : "") + (loaded ? ", " + load + " busy processes, calls every " + gapUs + " µs" : "") +
            "; fork logs in " + logDir);
        final List<SystemRun> results;
        try (LoadBurners burners = new LoadBurners(load))
        {
            results = harness.run(selected, options, runCount);
        }

        final List<Record> records = new ArrayList<>(ReportBuilder.records(reportSuite, names(selected), results));
        if (loaded)
        {
            for (final String system : records.stream().map(Record::system).distinct().toList())
            {
                records.add(new Record(Record.rttCase(reportSuite), system, "gap_us", gapUs, "us"));
                records.add(new Record(Record.rttCase(reportSuite), system, "load", load, "processes"));
            }
        }
        final List<String> withResults = records.stream().map(Record::system).distinct().toList();
        final String ref = BenchReport.chooseReference(reference, withResults);
        final Header header = new Header(
            reportSuite,
            System.getProperty("java.version"),
            MachineInfo.vm(),
            MachineInfo.cpuModel(),
            Runtime.getRuntime().availableProcessors(),
            date,
            quick,
            runCount,
            options.threads(),
            ref,
            probeMs,
            PlacementProbe.FAR_THRESHOLD_NS,
            results.stream().map(SystemRun::probe).toList(),
            loaded ? Header.NOISE_NOTE + " Loaded run: " + load + " busy processes (sh busy loops) ran throughout; " +
                "latency calls were issued open-loop every " + gapUs + " µs and timed from their intended send times; " +
                "RPCool forks waited adaptively (rpcool.idle=adaptive)." : Header.NOISE_NOTE);
        final BenchReport report = new BenchReport(header, records);

        ReportFiles.write(report, MarkdownReportWriter.render(report, ref), ChartWriter::write, outDir);

        if (assertFaster != null)
        {
            final Optional<String> failure = FasterAssertion.check(report, assertFaster.get(0), assertFaster.get(1));
            if (failure.isPresent())
            {
                System.err.println("assert-faster FAILED: " + failure.get());
                return EXIT_ASSERTION;
            }
            System.out.println("assert-faster ok: " + assertFaster.get(0) + " is faster than " + assertFaster.get(1));
        }
        final long failed = results.stream().filter(r -> r.result() == null).count();
        if (failed > 0)
        {
            System.err.println(failed + " system run(s) failed; see " + logDir);
            return EXIT_SYSTEM_FAILED;
        }
        return EXIT_OK;
    }

    /**
     * @param loadedSuite the loaded variant of the suite, whose own systems (e.g. an in-run baseline)
     *                    are added to the suite's; null for a plain run.
     */
    private List<BenchSystem> selectSystems(final String loadedSuite)
    {
        final List<BenchSystem> available = new ArrayList<>(BenchSystems.forSuite(suite.name()));
        if (loadedSuite != null)
        {
            available.addAll(BenchSystems.forSuite(loadedSuite));
        }
        if (systems == null || systems.isEmpty())
        {
            return available;
        }
        final List<BenchSystem> selected = new ArrayList<>();
        for (final String name : systems)
        {
            final Optional<BenchSystem> match = available.stream().filter(s -> s.name().equals(name)).findFirst();
            if (match.isEmpty())
            {
                System.err.println("unknown system '" + name + "' for suite " + suite.name() + "; available: " +
                    names(available));
                return null;
            }
            selected.add(match.get());
        }
        return selected;
    }

    private static List<String> names(final List<BenchSystem> systems)
    {
        return systems.stream().map(BenchSystem::name).toList();
    }
}
