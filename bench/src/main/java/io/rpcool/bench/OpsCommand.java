package io.rpcool.bench;

import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.harness.Harness;
import io.rpcool.bench.ops.IncludedRecords;
import io.rpcool.bench.ops.OpsCaseResult;
import io.rpcool.bench.ops.OpsCases;
import io.rpcool.bench.ops.OpsChartWriter;
import io.rpcool.bench.ops.OpsClient;
import io.rpcool.bench.ops.OpsMarkdownWriter;
import io.rpcool.bench.ops.OpsOptions;
import io.rpcool.bench.ops.OpsReportBuilder;
import io.rpcool.bench.ops.OpsResult;
import io.rpcool.bench.ops.OpsSuite;
import io.rpcool.bench.systems.rpcool.RpcoolBenchServer;
import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.ProbeEntry;
import io.rpcool.harness.report.Record;
import io.rpcool.harness.report.ReportFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The {@code ops} suite: times connect, channel create and destroy, and one-page and 1024-page
 * copies (see {@link OpsClient}) in a client JVM against a server JVM that embeds the daemon, a
 * fresh pair per run, adds the seal and sandbox operations measured by their own harnesses
 * ({@code --include}), and writes {@code <out>/ops.json}, {@code .md} and {@code .png}.
 */
@Command(name = OpsCases.SUITE, mixinStandardHelpOptions = true, sortOptions = false,
    description = "Operations (Table 4.2): connect, create/destroy channel, memcpy of 1 and 1024 pages; seal/release " +
        "and sandbox enter/exit from their harnesses (--include).")
final class OpsCommand implements Callable<Integer>
{
    static final String NOTE = "Absolute numbers on a shared 2-core VM are noisy: connect and channel figures are " +
        "mostly daemon round trips and thread wake-ups across processes; compare figures measured in the same run.";

    @Option(names = "--quick", description = "Short smoke run (about half a minute).")
    boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "Fresh server and client JVM pairs; records are " +
        "medians over runs (default: 3).")
    Integer runs;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "bench/results",
        description = "Directory for ops.json, .md and .png (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--include", paramLabel = "FILE", description = "Records of the seal or sandbox benchmark run " +
        "in the same invocation (./rpcool bench ops passes them), added to ops.json and ops.md.")
    List<Path> includes = new ArrayList<>();

    @Option(names = "--probe-ms", paramLabel = "MS", defaultValue = "500",
        description = "Duration of each placement probe (default: ${DEFAULT-VALUE}).")
    long probeMs;

    @Override
    public Integer call() throws Exception
    {
        final int runCount = runs != null ? runs : OpsSuite.defaultRuns(quick);
        if (runCount < 1)
        {
            System.err.println("--runs must be at least 1");
            return SuiteCommand.EXIT_USAGE;
        }
        final List<IncludedRecords> included = new ArrayList<>();
        for (final Path file : includes)
        {
            try
            {
                included.add(IncludedRecords.read(file));
            }
            catch (final IllegalArgumentException | IOException e)
            {
                System.err.println("--include " + file + ": " + e.getMessage());
                return SuiteCommand.EXIT_USAGE;
            }
        }
        final OpsOptions options = OpsSuite.options(quick);
        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Files.createDirectories(outDir);
        final Path logDir = outDir.resolve("tmp").resolve(OpsCases.SUITE);
        final Harness harness = new Harness(
            Harness.forkClassPath(), logDir, Harness.defaultScratchRoot(), probeMs, System.out);
        System.out.println(OpsCases.SUITE + ": " + runCount + " run(s)" + (quick ? ", quick" : "") +
            "; fork logs in " + logDir);

        final Harness.ForkPair pair = new Harness.ForkPair(OpsCases.SUITE, RpcoolBenchServer.class, OpsClient.class,
            OpsSuite.JVM_ARGS, options.toArgs(), options.maxDurationMs() + Harness.CLIENT_SLACK_MS);
        final List<Harness.Outcome<OpsResult>> outcomes = harness.runPairs(pair, runCount,
            json -> ForkProtocol.parseResult(json, OpsResult.class), outcome -> System.out.println(progressLine(outcome)));

        final List<OpsResult> results = outcomes.stream().map(Harness.Outcome::result).filter(Objects::nonNull).toList();
        final List<Record> records = new ArrayList<>(OpsReportBuilder.records(results));
        included.forEach(i -> records.addAll(i.records()));
        final Header header = new Header(
            OpsCases.SUITE,
            System.getProperty("java.version"),
            MachineInfo.vm(),
            MachineInfo.cpuModel(),
            Runtime.getRuntime().availableProcessors(),
            date,
            quick,
            runCount,
            null,
            null,
            probeMs,
            PlacementProbe.FAR_THRESHOLD_NS,
            outcomes.stream().map(Harness.Outcome::probe).toList(),
            NOTE);
        final BenchReport report = new BenchReport(header, records);
        ReportFiles.write(report, OpsMarkdownWriter.render(report, included), OpsChartWriter::write, outDir);

        final long failed = outcomes.size() - results.size();
        if (failed > 0)
        {
            System.err.println(failed + " run(s) failed; see " + logDir);
            return SuiteCommand.EXIT_SYSTEM_FAILED;
        }
        return SuiteCommand.EXIT_OK;
    }

    private static String progressLine(final Harness.Outcome<OpsResult> outcome)
    {
        final ProbeEntry probe = outcome.probe();
        final StringBuilder line = new StringBuilder("run ").append(probe.run()).append(": ");
        if (outcome.result() == null)
        {
            line.append("FAILED: ").append(probe.status());
        }
        else
        {
            for (final OpsCaseResult result : outcome.result().cases())
            {
                line.append(String.format(Locale.ROOT, "%n  %-22s %-10s p50 %-9s p99 %-9s %s ops/s",
                    result.caseName(), result.system(), MarkdownReportWriter.duration(result.p50Ns()),
                    MarkdownReportWriter.duration(result.p99Ns()), MarkdownReportWriter.rate(result.opsPerS())));
            }
            line.append('\n').append("  ");
        }
        line.append(String.format(Locale.ROOT, "probe %.0f/%.0f ns", probe.beforeP50Ns(), probe.afterP50Ns()));
        if (probe.foreignCpuPct() != null)
        {
            line.append(String.format(Locale.ROOT, "  other CPU %.1f %%", probe.foreignCpuPct()));
        }
        line.append(String.format(Locale.ROOT, "  [%.1f s]", outcome.elapsedS()));
        return line.toString();
    }
}
