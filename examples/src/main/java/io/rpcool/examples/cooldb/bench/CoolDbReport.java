package io.rpcool.examples.cooldb.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.JsonReportWriter;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.ProbeEntry;
import io.rpcool.harness.report.Record;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The {@code cooldb} results in the bench module's record format ({@link BenchReport}: a header and
 * {@code {"case", "system", "metric", "value", "unit"}} records, values medians over runs):
 * <ul>
 *   <li>{@code cooldb-build}, {@code cooldb-search}, {@code cooldb-q12}: metric {@code time}, unit {@code ms};</li>
 *   <li>{@code cooldb-search-q1} ... {@code -q11}: the search phase's time spent in each query type;</li>
 *   <li>for every system but the baseline, metric {@code speedup} (unit {@code x}) in the three phase cases:
 *   the baseline's median time divided by the system's.</li>
 * </ul>
 */
public final class CoolDbReport
{
    public static final String SUITE = "cooldb";
    public static final String BUILD = "cooldb-build";
    public static final String SEARCH = "cooldb-search";
    public static final String Q12 = "cooldb-q12";
    public static final String TIME = "time";
    public static final String MS = "ms";
    public static final String SPEEDUP = "speedup";
    public static final String BASELINE = StoreClients.GRPC_PROTOBUF;

    private final BenchReport report;
    private final List<CoolDbBenchmark.SystemRun> runs;
    private final CoolDbBenchmark.Options options;
    private final boolean digestsAgree;

    private CoolDbReport(final BenchReport report, final List<CoolDbBenchmark.SystemRun> runs,
        final CoolDbBenchmark.Options options, final boolean digestsAgree)
    {
        this.report = report;
        this.runs = runs;
        this.options = options;
        this.digestsAgree = digestsAgree;
    }

    public static String queryCase(final int id)
    {
        return SEARCH + "-q" + id;
    }

    /**
     * @param options how the benchmark ran.
     * @param date    when it started.
     * @param runs    every system run.
     * @return the report.
     */
    public static CoolDbReport build(final CoolDbBenchmark.Options options, final String date,
        final List<CoolDbBenchmark.SystemRun> runs)
    {
        final List<Record> records = new ArrayList<>();
        final Map<String, double[]> phases = new LinkedHashMap<>();
        for (final String system : options.systems())
        {
            final List<WorkloadResult> results = results(runs, system);
            if (results.isEmpty())
            {
                continue;
            }
            final double build = median(results, WorkloadResult::buildMs);
            final double search = median(results, WorkloadResult::searchMs);
            final double bulk = median(results, WorkloadResult::bulkMs);
            phases.put(system, new double[] {build, search, bulk});
            records.add(new Record(BUILD, system, TIME, build, MS));
            records.add(new Record(SEARCH, system, TIME, search, MS));
            records.add(new Record(Q12, system, TIME, bulk, MS));
            for (int id = NoBenchQuery.FIRST; id <= NoBenchQuery.LAST; id++)
            {
                final int q = id;
                final double[] times = results.stream().flatMap(r -> r.perQuery().stream())
                    .filter(s -> s.id() == q).mapToDouble(WorkloadResult.QueryStats::timeMs).toArray();
                if (times.length > 0)
                {
                    records.add(new Record(queryCase(id), system, TIME, median(times), MS));
                }
            }
        }
        final double[] baseline = phases.get(BASELINE);
        if (baseline != null)
        {
            for (final Map.Entry<String, double[]> e : phases.entrySet())
            {
                if (!e.getKey().equals(BASELINE))
                {
                    final String[] cases = {BUILD, SEARCH, Q12};
                    for (int i = 0; i < cases.length; i++)
                    {
                        records.add(new Record(cases[i], e.getKey(), SPEEDUP, baseline[i] / e.getValue()[i], "x"));
                    }
                }
            }
        }
        final boolean agree = digestsAgree(runs);
        final List<ProbeEntry> probes = runs.stream().map(CoolDbBenchmark.SystemRun::probe).toList();
        final String note = Header.NOISE_NOTE + String.format(Locale.ROOT,
            " NoBench: %d documents (seed %d), then %d queries drawn uniformly from Q1-Q11, then Q12 (bulk insert of " +
            "%d documents); one call outstanding; every result read once by the client; RPCool waiting mode %s. " +
            "Results of the systems %s.",
            options.docs(), options.seed(), options.queries(), options.docs() / 1000, options.idle(),
            agree ? "agree (equal digests)" : "DIFFER (digests not equal)");
        final Header header = new Header(SUITE, System.getProperty("java.version"), MachineInfo.vm(),
            MachineInfo.cpuModel(), Runtime.getRuntime().availableProcessors(), date, false, options.runs(), 1,
            BASELINE, options.probeMs(), PlacementProbe.FAR_THRESHOLD_NS, probes, note);
        return new CoolDbReport(new BenchReport(header, records), runs, options, agree);
    }

    private static boolean digestsAgree(final List<CoolDbBenchmark.SystemRun> runs)
    {
        final Map<Integer, Long> digestByRun = new LinkedHashMap<>();
        for (final CoolDbBenchmark.SystemRun run : runs)
        {
            if (run.result() == null)
            {
                continue;
            }
            final Long previous = digestByRun.putIfAbsent(run.run(), run.result().digest());
            if (previous != null && previous != run.result().digest())
            {
                return false;
            }
        }
        return true;
    }

    private static List<WorkloadResult> results(final List<CoolDbBenchmark.SystemRun> runs, final String system)
    {
        final List<WorkloadResult> results = new ArrayList<>();
        for (final CoolDbBenchmark.SystemRun run : runs)
        {
            if (run.system().equals(system) && run.result() != null)
            {
                results.add(run.result());
            }
        }
        return results;
    }

    private static double median(final List<WorkloadResult> results, final ToDoubleFunction<WorkloadResult> metric)
    {
        return median(results.stream().mapToDouble(metric).toArray());
    }

    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public BenchReport report()
    {
        return report;
    }

    public boolean digestsAgree()
    {
        return digestsAgree;
    }

    /**
     * Write {@code cooldb.json}, {@code cooldb.md} and {@code cooldb.png} into {@code dir}.
     */
    public void write(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        JsonReportWriter.write(report, dir.resolve(SUITE + ".json"));
        Files.writeString(dir.resolve(SUITE + ".md"), markdown(), StandardCharsets.UTF_8);
        chart(dir.resolve(SUITE + ".png"));
    }

    private Optional<Double> value(final String caseName, final String system, final String metric)
    {
        return report.value(caseName, system, metric);
    }

    private static String ms(final Optional<Double> value)
    {
        return value.map(v -> v >= 100 ? String.format(Locale.ROOT, "%.0f ms", v) :
            String.format(Locale.ROOT, "%.2f ms", v)).orElse("—");
    }

    /**
     * @return the report as Markdown.
     */
    public String markdown()
    {
        final Header header = report.header();
        final StringBuilder md = new StringBuilder();
        md.append("# `cooldb` suite\n\n");
        md.append("The source paper's CoolDB experiment: a JSON document store loaded with NoBench documents (build), ")
            .append("then queried (search). `rpcool-shm`: clients build documents in the channel's shared heap and pass ")
            .append("pointers; results are pointers into the stored documents. `grpc-protobuf`: the same store (same ")
            .append("index and query code) behind gRPC-java, documents and results as Protobuf messages by value. ")
            .append("Every system runs as a fresh server JVM and a fresh client JVM.\n\n");
        md.append("- JDK: ").append(header.jdk()).append(" (").append(header.vm()).append(")\n");
        md.append("- CPU: ").append(header.cpuModel()).append(", ").append(header.cores()).append(" cores\n");
        md.append("- date: ").append(header.date()).append('\n');
        md.append(String.format(Locale.ROOT, "- workload: %d documents, %d queries (uniform over Q1-Q11), Q12 bulk " +
            "insert of %d documents, seed %d; %d run(s), medians over runs; forked JVMs `-Xms%s -Xmx%s`; " +
            "RPCool waiting mode `%s`; shared heap pre-touched: %s%n",
            options.docs(), options.queries(), options.docs() / 1000, options.seed(), options.runs(), options.heap(),
            options.heap(), options.idle(), options.preTouch() ? "yes" : "no"));
        md.append("- speed-up: the baseline's time divided by the system's, both measured in this run\n\n");

        md.append("| system | build | search | Q12 bulk insert | build speed-up | search speed-up | Q12 speed-up ")
            .append("| probe before/after (ns) | other CPU |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (final String system : report.systems())
        {
            md.append("| ").append(system)
                .append(" | ").append(ms(value(BUILD, system, TIME)))
                .append(" | ").append(ms(value(SEARCH, system, TIME)))
                .append(" | ").append(ms(value(Q12, system, TIME)))
                .append(" | ").append(ratio(value(BUILD, system, SPEEDUP), system))
                .append(" | ").append(ratio(value(SEARCH, system, SPEEDUP), system))
                .append(" | ").append(ratio(value(Q12, system, SPEEDUP), system))
                .append(" | ").append(probes(system))
                .append(" | ").append(foreignCpu(system))
                .append(" |\n");
        }
        md.append('\n');

        md.append("Search phase by query type (total time in each type; mean per query in parentheses):\n\n");
        md.append("| query | count | rows per query |");
        for (final String system : report.systems())
        {
            md.append(' ').append(system).append(" |");
        }
        md.append(" speed-up |\n|---|---:|---:|");
        for (int i = 0; i < report.systems().size(); i++)
        {
            md.append("---:|");
        }
        md.append("---:|\n");
        for (int id = NoBenchQuery.FIRST; id <= NoBenchQuery.LAST; id++)
        {
            final WorkloadResult.QueryStats stats = anyStats(id);
            if (stats == null)
            {
                continue;
            }
            md.append("| Q").append(id).append(" | ").append(stats.count()).append(" | ")
                .append(String.format(Locale.ROOT, "%.0f", (double)stats.rows() / stats.count())).append(" |");
            for (final String system : report.systems())
            {
                final Optional<Double> t = value(queryCase(id), system, TIME);
                md.append(' ').append(ms(t)).append(t.map(v -> String.format(Locale.ROOT, " (%.3f)", v / stats.count()))
                    .orElse("")).append(" |");
            }
            final Optional<Double> base = value(queryCase(id), BASELINE, TIME);
            final Optional<Double> ours = value(queryCase(id), StoreClients.RPCOOL_SHM, TIME);
            md.append(' ').append(base.isPresent() && ours.isPresent() && ours.get() > 0 ?
                MarkdownReportWriter.ratio(base.get() / ours.get()) : "—").append(" |\n");
        }
        md.append('\n');
        for (final CoolDbBenchmark.SystemRun run : runs)
        {
            if (run.result() != null && run.result().waitingModes() != null && !run.result().waitingModes().isEmpty())
            {
                md.append("RPCool waiting modes, run ").append(run.run()).append(" (share of the client's run; the daemon ")
                    .append("picks spin below 20 % load from other work, sleep below 30 %, hand-off above):");
                run.result().waitingModes().forEach((mode, pct) ->
                    md.append(String.format(Locale.ROOT, " %s %.0f %%", mode, pct)));
                md.append("\n\n");
            }
        }
        md.append("> ").append(header.note()).append("\n\n");
        final long busy = header.placementProbes().stream()
            .filter(p -> p.foreignCpuPct() != null && p.foreignCpuPct() > MarkdownReportWriter.BUSY_MACHINE_PCT).count();
        md.append("Placement probe: two-thread cache-line round trip in the harness JVM before and after each system; ")
            .append("`*` marks the far placement mode. \"Other CPU\" is the share of the machine other processes used ")
            .append("while the system ran.");
        if (busy > 0)
        {
            md.append(String.format(Locale.ROOT, " In %d of %d system runs other processes used more than %.0f %% of " +
                "the machine: the machine was busy and those figures are suspect.", busy, header.placementProbes().size(),
                MarkdownReportWriter.BUSY_MACHINE_PCT));
        }
        md.append('\n');
        final List<String> failures = new ArrayList<>();
        for (final ProbeEntry probe : header.placementProbes())
        {
            if (!probe.ok())
            {
                failures.add("run " + probe.run() + ", `" + probe.system() + "`: " + probe.status().replace('\n', ' '));
            }
        }
        if (!failures.isEmpty())
        {
            md.append("\nFailed runs:\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        return md.toString();
    }

    private WorkloadResult.QueryStats anyStats(final int id)
    {
        for (final CoolDbBenchmark.SystemRun run : runs)
        {
            if (run.result() != null)
            {
                for (final WorkloadResult.QueryStats stats : run.result().perQuery())
                {
                    if (stats.id() == id)
                    {
                        return stats;
                    }
                }
            }
        }
        return null;
    }

    private static String ratio(final Optional<Double> value, final String system)
    {
        if (system.equals(BASELINE))
        {
            return "1×";
        }
        return value.map(MarkdownReportWriter::ratio).orElse("—");
    }

    private String probes(final String system)
    {
        final List<String> cells = new ArrayList<>();
        for (final ProbeEntry probe : report.header().placementProbes())
        {
            if (probe.system().equals(system) && !CoolDbBenchmark.NO_PROBE.equals(probe.beforeMode()))
            {
                cells.add(String.format(Locale.ROOT, "%.0f%s/%.0f%s", probe.beforeP50Ns(),
                    "far".equals(probe.beforeMode()) ? "*" : "", probe.afterP50Ns(), "far".equals(probe.afterMode()) ? "*" : ""));
            }
        }
        return cells.isEmpty() ? "—" : String.join(", ", cells);
    }

    private String foreignCpu(final String system)
    {
        double max = -1;
        for (final ProbeEntry probe : report.header().placementProbes())
        {
            if (probe.system().equals(system) && probe.foreignCpuPct() != null)
            {
                max = Math.max(max, probe.foreignCpuPct());
            }
        }
        return max < 0 ? "—" : String.format(Locale.ROOT, "≤ %.0f %%", max);
    }

    private void chart(final Path file) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final CategoryChart chart = new CategoryChartBuilder().width(900).height(560)
            .title("CoolDB (NoBench, " + options.docs() + " documents, " + options.queries() + " queries)")
            .xAxisTitle("phase").yAxisTitle("ms (log scale)").build();
        final Styler styler = chart.getStyler();
        chart.getStyler().setYAxisLogarithmic(true);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(Color.WHITE);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (final String system : report.systems())
        {
            final List<String> x = new ArrayList<>();
            final List<Double> y = new ArrayList<>();
            for (final String[] phase : new String[][] {{"build", BUILD}, {"search", SEARCH}, {"Q12 bulk", Q12}})
            {
                final Optional<Double> v = value(phase[1], system, TIME).filter(t -> t > 0);
                x.add(phase[0]);
                y.add(v.orElse(null));
                if (v.isPresent())
                {
                    min = Math.min(min, v.get());
                    max = Math.max(max, v.get());
                }
            }
            chart.addSeries(system, x, y);
        }
        if (max > 0)
        {
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.floor(Math.log10(max)) + 1));
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
