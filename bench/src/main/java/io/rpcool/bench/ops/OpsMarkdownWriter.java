package io.rpcool.bench.ops;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.ProbeEntry;
import io.rpcool.harness.report.Record;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Renders {@code ops.md}: one row per case and system with its median p50, p99 and rate, what one
 * operation is, the ratio of shared-memory to Java-heap copies, and the probe and noise notes.
 */
public final class OpsMarkdownWriter
{
    private static final String NONE = "—";

    private OpsMarkdownWriter()
    {
    }

    /**
     * @param report  results of the {@code ops} suite.
     * @return the Markdown document.
     */
    public static String render(final BenchReport report)
    {
        return render(report, List.of());
    }

    /**
     * @param report   results of the {@code ops} suite, included records among them.
     * @param included the seal and sandbox records added from their harnesses, for their own table.
     * @return the Markdown document.
     */
    public static String render(final BenchReport report, final List<IncludedRecords> included)
    {
        final Header header = report.header();
        final StringBuilder md = new StringBuilder();
        md.append("# `").append(header.suite()).append("` suite\n\n");
        md.append("Operations of the paper's Table 4.2. A server JVM embeds the daemon and opens one channel; a client JVM uses ")
            .append("that daemon and times each operation. A fresh pair of JVMs per run; ")
            .append(header.runs()).append(header.runs() == 1 ? " run" : " runs")
            .append(", figures are medians over runs.\n\n");
        md.append("- JDK: ").append(header.jdk()).append(" (").append(header.vm()).append(")\n");
        md.append("- CPU: ").append(header.cpuModel()).append(", ").append(header.cores()).append(" cores\n");
        md.append("- date: ").append(header.date()).append(header.quick() ? " (quick run)" : "").append('\n');
        md.append("- handler threads in both JVMs sleep 1 ms between polls (`rpcool.idle=sleep`, ")
            .append("`rpcool.idle.sleepNs=1000000`): the suite makes no calls\n");
        final double busiest = header.placementProbes().stream().filter(p -> p.foreignCpuPct() != null)
            .mapToDouble(ProbeEntry::foreignCpuPct).max().orElse(Double.NaN);
        if (busiest > MarkdownReportWriter.BUSY_MACHINE_PCT)
        {
            md.append(String.format(Locale.ROOT, "- **busy machine:** other processes used up to %.0f %% of it during " +
                "the runs; these are not quiet-machine figures%n", busiest));
        }
        md.append('\n');

        md.append("| case | system | p50 | p99 | ops/s | one operation |\n");
        md.append("|---|---|---:|---:|---:|---|\n");
        for (final String[] row : rows(report))
        {
            final String caseName = row[0];
            final String system = row[1];
            md.append("| ").append(caseName)
                .append(" | ").append(system)
                .append(" | ").append(report.value(caseName, system, Record.P50).map(MarkdownReportWriter::duration).orElse(NONE))
                .append(" | ").append(report.value(caseName, system, Record.P99).map(MarkdownReportWriter::duration).orElse(NONE))
                .append(" | ").append(report.value(caseName, system, Record.OPS_PER_S).map(MarkdownReportWriter::rate).orElse(NONE))
                .append(" | ").append(OpsCases.describe(caseName, system))
                .append(" |\n");
        }
        md.append('\n');

        final List<String> ratios = new ArrayList<>();
        for (final String caseName : List.of(OpsCases.MEMCPY_1_PAGE, OpsCases.MEMCPY_1024_PAGES))
        {
            final Optional<Double> shared = report.value(caseName, OpsCases.RPCOOL, Record.P50);
            final Optional<Double> heap = report.value(caseName, OpsCases.JAVA_HEAP, Record.P50);
            if (shared.isPresent() && heap.isPresent() && heap.get() > 0)
            {
                ratios.add("`" + caseName + "` " + MarkdownReportWriter.ratio(shared.get() / heap.get()));
            }
        }
        if (!ratios.isEmpty())
        {
            md.append("Copies in shared memory ÷ copies on the Java heap, p50: ").append(String.join(", ", ratios))
                .append(" (above 1 is slower).\n\n");
        }

        for (final IncludedRecords inc : included)
        {
            appendIncluded(md, inc);
        }

        md.append("> ").append(header.note()).append("\n\n");
        md.append("Every sample is one operation timed with `System.nanoTime()` (about 23 ns here, in 10 ns steps), ")
            .append("except one-page copies: they are timed in batches of ").append(OpsClient.PAGE_COPY_BATCH)
            .append(" and a sample is the batch's mean, so their p99 is that of batch means. The same 4 KiB are ")
            .append("copied each time (cache-hot); the 4 MiB copies run through 8 MiB of memory. ops/s is ")
            .append("operations per second of the time spent in them; a created channel is destroyed before the next ")
            .append("is created, and each is timed on its own.\n\n");
        if (header.probeMs() != null)
        {
            md.append(MarkdownReportWriter.probeSummary(header, "pair of JVMs", "runs"));
            md.append("\nRuns: ").append(runLines(header.placementProbes())).append('\n');
        }
        final List<String> failures = MarkdownReportWriter.failures(header.placementProbes());
        if (!failures.isEmpty())
        {
            md.append("\nFailed runs:\n\n");
            for (final String failure : failures)
            {
                md.append("- ").append(failure).append('\n');
            }
        }
        return md.toString();
    }

    private static void appendIncluded(final StringBuilder md, final IncludedRecords inc)
    {
        md.append("### ").append(inc.source()).append("\n\n");
        md.append("Measured by that harness in the same invocation (`").append(inc.file().getFileName())
            .append("`); a figure is a median over its rounds.\n\n");
        appendTable(md, inc);
    }

    /**
     * A table of records from another harness: where they come from, then one row per case and
     * system with its p50, p99, mean and other figures.
     */
    public static String recordsTable(final IncludedRecords inc)
    {
        final StringBuilder md = new StringBuilder();
        md.append("From ").append(inc.source()).append(" (`").append(inc.file().getFileName()).append("`).\n\n");
        appendTable(md, inc);
        return md.toString();
    }

    private static void appendTable(final StringBuilder md, final IncludedRecords inc)
    {
        md.append("| case | system | p50 | p99 | mean | other | one operation |\n");
        md.append("|---|---|---:|---:|---:|---:|---|\n");
        final Set<String> seen = new LinkedHashSet<>();
        for (final Record r : inc.records())
        {
            final String key = r.caseName() + "\n" + r.system();
            if (!seen.add(key))
            {
                continue;
            }
            final List<String> other = new ArrayList<>();
            String p50 = NONE;
            String p99 = NONE;
            String mean = NONE;
            for (final Record m : inc.records())
            {
                if (!m.caseName().equals(r.caseName()) || !m.system().equals(r.system()))
                {
                    continue;
                }
                final String value = Record.NS.equals(m.unit()) ? MarkdownReportWriter.duration(m.value()) :
                    String.format(Locale.ROOT, "%.0f %s", m.value(), m.unit());
                switch (m.metric())
                {
                    case Record.P50 -> p50 = value;
                    case Record.P99 -> p99 = value;
                    case "mean" -> mean = value;
                    default -> other.add(m.metric() + " " + value);
                }
            }
            md.append("| ").append(r.caseName()).append(" | ").append(r.system())
                .append(" | ").append(p50).append(" | ").append(p99).append(" | ").append(mean)
                .append(" | ").append(other.isEmpty() ? NONE : String.join(", ", other))
                .append(" | ").append(OpsCases.describeIncluded(r.caseName())).append(" |\n");
        }
        md.append('\n');
    }

    private static List<String[]> rows(final BenchReport report)
    {
        final Set<String> seen = new LinkedHashSet<>();
        final List<String[]> rows = new ArrayList<>();
        for (final Record record : report.records())
        {
            if (OpsCases.isOwn(record.caseName()) && seen.add(record.caseName() + "\n" + record.system()))
            {
                rows.add(new String[]{record.caseName(), record.system()});
            }
        }
        return rows;
    }

    private static String runLines(final List<ProbeEntry> probes)
    {
        final List<String> runs = new ArrayList<>();
        for (final ProbeEntry probe : probes)
        {
            String line = String.format(Locale.ROOT, "%d: probe %.0f%s/%.0f%s ns", probe.run(),
                probe.beforeP50Ns(), "far".equals(probe.beforeMode()) ? "*" : "",
                probe.afterP50Ns(), "far".equals(probe.afterMode()) ? "*" : "");
            if (probe.foreignCpuPct() != null)
            {
                line += String.format(Locale.ROOT, ", other CPU %.1f %%", probe.foreignCpuPct());
            }
            if (!probe.ok())
            {
                line += ", failed";
            }
            runs.add(line);
        }
        return runs.isEmpty() ? NONE : String.join("; ", runs) + ".";
    }
}
