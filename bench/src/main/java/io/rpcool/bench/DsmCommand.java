package io.rpcool.bench;

import io.rpcool.bench.dsm.DsmCases;
import io.rpcool.bench.dsm.DsmFetchClient;
import io.rpcool.bench.dsm.DsmFetchServer;
import io.rpcool.bench.dsm.DsmNoopSystems;
import io.rpcool.bench.dsm.DsmReport;
import io.rpcool.bench.fork.ClientOptions;
import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.harness.Harness;
import io.rpcool.bench.ops.OpsCaseResult;
import io.rpcool.bench.ops.OpsResult;
import io.rpcool.bench.report.ReportBuilder;
import io.rpcool.bench.report.SystemRun;
import io.rpcool.bench.suite.NoopSuite;
import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.Medians;
import io.rpcool.harness.report.ProbeEntry;
import io.rpcool.harness.report.Record;
import io.rpcool.harness.report.ReportFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The {@code dsm} suite: page fetches over the DSM's TCP page transport against raw 4 KiB
 * round trips between the same two JVMs, and no-op round trips across memory domains (rpcool over the
 * DSM, over the TCP copy fallback, and gRPC over TCP), each measurement a fresh server and client JVM.
 * Writes {@code <out>/dsm.json}, {@code .md} and {@code .png}.
 */
@Command(name = DsmCases.SUITE, mixinStandardHelpOptions = true, sortOptions = false,
    description = "DSM across memory domains: page-fetch-1 and page-fetch-1024 (dsm-tcp against a raw 4 KiB TCP round " +
        "trip), noop-rtt (rpcool-dsm-tcp, rpcool-tcp-fallback, grpc-tcp), pointer-read (rpcool-dsm-tcp).")
final class DsmCommand implements Callable<Integer>
{
    static final String NOTE = "Absolute numbers on a shared 2-core VM are noisy; compare each figure with its anchor " +
        "measured in the same run (a page fetch with the raw round trip interleaved with it, the DSM no-op with the TCP " +
        "fallback's). dsm-rdma is not measured: the RDMA page transport does not exist yet.";

    @Option(names = "--quick", description = "Short run: warm-ups still go on until the round trips are steady.")
    boolean quick;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1",
        description = "Fresh JVM pairs per measurement; records are medians over runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "bench/results",
        description = "Directory for dsm.json, .md and .png (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--calls", paramLabel = "N", description = "Override the measured page fetches and no-op calls.")
    Integer calls;

    @Option(names = "--blocks", paramLabel = "N", description = "Override the measured 1,024-page samples.")
    Integer blocks;

    @Option(names = "--warmup-max-ms", paramLabel = "MS", description = "Override the longest warm-up of each JVM.")
    Long warmupMaxMs;

    @Option(names = "--probe-ms", paramLabel = "MS", defaultValue = "500",
        description = "Duration of each placement probe (default: ${DEFAULT-VALUE}).")
    long probeMs;

    @Override
    public Integer call() throws Exception
    {
        if (runs < 1 || calls != null && calls < 1 || blocks != null && blocks < 1 || warmupMaxMs != null && warmupMaxMs < 1)
        {
            System.err.println("--runs, --calls, --blocks and --warmup-max-ms must be positive");
            return SuiteCommand.EXIT_USAGE;
        }
        final long warmupMs = warmupMaxMs != null ? warmupMaxMs : quick ? 8_000 : 20_000;
        final int fetches = calls != null ? calls : quick ? 4 * DsmCases.HEAP_PAGES : 16 * DsmCases.HEAP_PAGES;
        final int blockCount = blocks != null ? blocks : quick ? 8 : 40;
        final int noopCalls = calls != null ? calls : quick ? 5_000 : 50_000;
        final ClientOptions noop = new ClientOptions(NoopSuite.NAME, Math.min(noopCalls, 10_000), Math.min(warmupMs, 500),
            warmupMs, noopCalls, Math.min(warmupMs, quick ? 300 : 2_000), quick ? 3_000 : 10_000, 100, 1);

        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Files.createDirectories(outDir);
        final Path logDir = outDir.resolve("tmp").resolve(DsmCases.SUITE);
        System.out.println(DsmCases.SUITE + ": " + runs + " run(s)" + (quick ? ", quick" : "") + "; fork logs in " + logDir);

        final Harness fetchHarness = new Harness(Harness.forkClassPath(), logDir, Harness.defaultScratchRoot(), probeMs,
            System.out);
        final List<String> fetchArgs = List.of("warmupMaxMs=" + warmupMs, "fetches=" + fetches, "blocks=" + blockCount);
        final Harness.ForkPair pair = new Harness.ForkPair("page-fetch", DsmFetchServer.class, DsmFetchClient.class,
            List.of(), fetchArgs, warmupMs + 120_000 + Harness.CLIENT_SLACK_MS);
        final List<Harness.Outcome<OpsResult>> fetchOutcomes = fetchHarness.runPairs(pair, runs,
            json -> ForkProtocol.parseResult(json, OpsResult.class), DsmCommand::progress);

        final Harness noopHarness = new Harness(Harness.forkClassPath(), logDir, Harness.defaultScratchRoot(), probeMs,
            System.out);
        final List<BenchSystem> systems = DsmNoopSystems.all();
        final List<SystemRun> noopRuns = noopHarness.run(systems, noop, runs);

        final List<Record> records = new ArrayList<>(fetchRecords(fetchOutcomes));
        for (final Record record : ReportBuilder.records(NoopSuite.NAME,
            systems.stream().map(BenchSystem::name).toList(), noopRuns))
        {
            if (record.caseName().equals(DsmCases.NOOP_RTT) &&
                (record.metric().equals(Record.P50) || record.metric().equals(Record.P99)))
            {
                records.add(record.system().equals(DsmCases.POINTER_READ_RUN) ?
                    new Record(DsmCases.POINTER_READ, DsmCases.RPCOOL_DSM_TCP, record.metric(), record.value(), record.unit()) :
                    record);
            }
        }
        final List<ProbeEntry> probes = new ArrayList<>(fetchOutcomes.stream().map(Harness.Outcome::probe).toList());
        noopRuns.forEach(r -> probes.add(r.probe()));
        final Header header = new Header(DsmCases.SUITE, System.getProperty("java.version"), MachineInfo.vm(),
            MachineInfo.cpuModel(), Runtime.getRuntime().availableProcessors(), date, quick, runs, null,
            null, probeMs, PlacementProbe.FAR_THRESHOLD_NS, probes, NOTE);
        final BenchReport report = new BenchReport(header, records);
        ReportFiles.write(report, DsmReport.markdown(report), DsmReport::chart, outDir);

        final long failed = probes.stream().filter(p -> !p.ok()).count();
        if (failed > 0)
        {
            System.err.println(failed + " run(s) failed; see " + logDir);
            return SuiteCommand.EXIT_SYSTEM_FAILED;
        }
        return SuiteCommand.EXIT_OK;
    }

    /** Medians over runs of each case and system's p50 and p99. */
    static List<Record> fetchRecords(final List<Harness.Outcome<OpsResult>> outcomes)
    {
        final Map<String, List<OpsCaseResult>> byRow = new LinkedHashMap<>();
        outcomes.stream().map(Harness.Outcome::result).filter(Objects::nonNull).flatMap(r -> r.cases().stream())
            .forEach(c -> byRow.computeIfAbsent(c.caseName() + "\n" + c.system(), k -> new ArrayList<>()).add(c));
        final List<Record> records = new ArrayList<>();
        for (final List<OpsCaseResult> row : byRow.values())
        {
            final OpsCaseResult first = row.get(0);
            records.add(new Record(first.caseName(), first.system(), Record.P50,
                Medians.of(row.stream().mapToDouble(OpsCaseResult::p50Ns).toArray()), Record.NS));
            records.add(new Record(first.caseName(), first.system(), Record.P99,
                Medians.of(row.stream().mapToDouble(OpsCaseResult::p99Ns).toArray()), Record.NS));
        }
        return records;
    }

    private static void progress(final Harness.Outcome<OpsResult> outcome)
    {
        final StringBuilder line = new StringBuilder("page-fetch run ").append(outcome.probe().run()).append(": ");
        if (outcome.result() == null)
        {
            line.append("FAILED: ").append(outcome.probe().status());
        }
        else
        {
            for (final OpsCaseResult c : outcome.result().cases())
            {
                line.append(String.format(java.util.Locale.ROOT, "%n  %-16s %-11s p50 %,.0f ns  p99 %,.0f ns",
                    c.caseName(), c.system(), c.p50Ns(), c.p99Ns()));
            }
        }
        System.out.println(line.append(String.format(java.util.Locale.ROOT, "  [%.1f s]", outcome.elapsedS())));
    }
}
