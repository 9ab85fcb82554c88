package io.rpcool.bench;

import io.rpcool.bench.alloc.AllocChartWriter;
import io.rpcool.bench.alloc.AllocJmhMain;
import io.rpcool.bench.alloc.AllocMarkdownWriter;
import io.rpcool.bench.alloc.AllocReportBuilder;
import io.rpcool.bench.alloc.AllocSuite;
import io.rpcool.bench.alloc.AllocationProbe;
import io.rpcool.bench.alloc.AllocationProbeMain;
import io.rpcool.bench.alloc.JmhResult;
import io.rpcool.bench.alloc.NoopCallFixture;
import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.harness.Harness;
import io.rpcool.harness.machine.CpuAccounting;
import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.MarkdownReportWriter;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The {@code alloc} suite: bytes allocated per no-op call on the client and server sides of the
 * shared-memory transport and of the TCP fallback. Per-thread counts come from a fresh JVM per
 * transport and run ({@link AllocationProbeMain}); the all-thread count from JMH's GC profiler in
 * its own forks ({@link AllocJmhMain}). Writes {@code <out>/alloc.json}, {@code .md} and {@code .png}.
 */
@Command(name = AllocSuite.NAME, mixinStandardHelpOptions = true, sortOptions = false,
    description = "Bytes allocated per no-op call, client and server, shared memory and TCP fallback (JMH -prof gc).")
final class AllocCommand implements Callable<Integer>
{
    static final String NOTE = "Bytes per call do not depend on timing noise, except for other threads (and so JMH's " +
        "all-thread figure): background threads allocate at their own rate, so their share per call grows when " +
        "calls are slow, as on a busy 2-core VM.";

    private static final long PROBE_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(3);

    @Option(names = "--quick", description = "Short smoke run (about a minute).")
    boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "Per-thread runs, a fresh JVM per transport each; " +
        "records are medians over runs (default: 3).")
    Integer runs;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "bench/results",
        description = "Directory for alloc.json, .md and .png (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--no-jmh", description = "Skip the JMH measurement (all-thread bytes per call, calls per second).")
    boolean noJmh;

    @Override
    public Integer call() throws Exception
    {
        final int runCount = runs != null ? runs : AllocSuite.defaultRuns(quick);
        if (runCount < 1)
        {
            System.err.println("--runs must be at least 1");
            return SuiteCommand.EXIT_USAGE;
        }
        final AllocSuite settings = AllocSuite.settings(quick);
        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        final Path logDir = Files.createDirectories(outDir.resolve("tmp").resolve(AllocSuite.NAME));
        final Harness harness = new Harness(Harness.forkClassPath(), logDir, logDir, 0, System.out);
        System.out.println(AllocSuite.NAME + ": " + runCount + " per-thread run(s)" + (noJmh ? "" : " and JMH") +
            (quick ? ", quick" : "") + "; fork logs in " + logDir);

        final CpuAccounting cpuAtStart = CpuAccounting.snapshot();
        final List<NoopCallFixture.Kind> kinds = Arrays.asList(NoopCallFixture.Kind.values());
        final List<AllocationProbe.Result> probes = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        for (int run = 1; run <= runCount; run++)
        {
            for (int i = 0; i < kinds.size(); i++)
            {
                final NoopCallFixture.Kind kind = kinds.get((i + run - 1) % kinds.size());
                try
                {
                    final String json = harness.runSingle(kind.systemName(), run, AllocationProbeMain.class, List.of(),
                        settings.probeArgs(kind), PROBE_TIMEOUT_MS);
                    final AllocationProbe.Result result = ForkProtocol.parseResult(json, AllocationProbe.Result.class);
                    probes.add(result);
                    System.out.printf(Locale.ROOT, "run %d/%d %-20s client %s B/call  server %s B/call  other %s B/call%n",
                        run, runCount, kind.systemName(), AllocMarkdownWriter.bytes(result.clientBytesPerOp()),
                        AllocMarkdownWriter.bytes(result.serverBytesPerOp()),
                        AllocMarkdownWriter.bytes(result.otherBytesPerOp()));
                }
                catch (final IOException | RuntimeException ex)
                {
                    failures.add("run " + run + ", `" + kind.systemName() + "`: " + ex.getMessage());
                    System.out.println("run " + run + "/" + runCount + " " + kind.systemName() + " FAILED: " +
                        ex.getMessage());
                }
            }
        }

        JmhResult jmh = null;
        if (!noJmh)
        {
            final String transports = "shm,tcp";
            System.out.println("JMH: " + transports + " (its report goes to " + logDir.resolve("run1/jmh.out.log") + ")");
            try
            {
                final String json = harness.runSingle("jmh", 1, AllocJmhMain.class, List.of(),
                    settings.jmhArgs(transports), settings.jmhDurationMs(2) + PROBE_TIMEOUT_MS);
                jmh = ForkProtocol.parseResult(json, JmhResult.class);
            }
            catch (final IOException | RuntimeException ex)
            {
                failures.add("JMH: " + ex.getMessage());
                System.out.println("JMH FAILED: " + ex.getMessage());
            }
        }

        final double otherCpuPct = CpuAccounting.foreignPercent(cpuAtStart, CpuAccounting.snapshot(),
            Runtime.getRuntime().availableProcessors());
        final List<String> systems = kinds.stream().map(NoopCallFixture.Kind::systemName).toList();
        final List<Record> records = AllocReportBuilder.records(systems, probes, jmh);
        final Header header = new Header(
            AllocSuite.NAME,
            System.getProperty("java.version"),
            MachineInfo.vm(),
            MachineInfo.cpuModel(),
            Runtime.getRuntime().availableProcessors(),
            date,
            quick,
            runCount,
            null,
            null,
            null,
            null,
            List.of(),
            NOTE + otherCpu(otherCpuPct) + (failures.isEmpty() ? "" : " Failed: " + String.join("; ", failures)));
        final BenchReport report = new BenchReport(header, records);
        ReportFiles.write(report, AllocMarkdownWriter.render(report, settings, probes, jmh, failures),
            AllocChartWriter::write, outDir);
        if (!failures.isEmpty())
        {
            System.err.println(failures.size() + " measurement(s) failed; see " + logDir);
            return SuiteCommand.EXIT_SYSTEM_FAILED;
        }
        return SuiteCommand.EXIT_OK;
    }

    /**
     * @param pct  share of the machine other processes used during the suite, or NaN.
     * @return a sentence for the note, empty if unknown.
     */
    static String otherCpu(final double pct)
    {
        if (Double.isNaN(pct))
        {
            return "";
        }
        final String used = String.format(Locale.ROOT, " Other processes used %.0f %% of the machine during this run", pct);
        return pct > MarkdownReportWriter.BUSY_MACHINE_PCT ?
            used + ": a busy machine, so the other-threads and JMH figures and the call rates are suspect (the " +
                "client and server bytes per call are not)." :
            used + ".";
    }
}
