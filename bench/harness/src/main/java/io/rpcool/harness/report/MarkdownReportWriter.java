package io.rpcool.harness.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders {@code <suite>.md}: one table row per system with its medians and its ratios to a
 * reference system, the placement probe figures and the noise caveat.
 */
public final class MarkdownReportWriter
{
    private static final String NONE = "—";

    /**
     * Other processes using more than this share of the machine make a system run suspect.
     */
    public static final double BUSY_MACHINE_PCT = 10.0;

    private MarkdownReportWriter()
    {
    }

    /**
     * @param report     results.
     * @param reference  system whose figures the ratio columns divide by.
     * @return the Markdown document.
     */
    public static String render(final BenchReport report, final String reference)
    {
        final Header header = report.header();
        final String suite = header.suite();
        final String rtt = Record.rttCase(suite);
        final String tput = Record.throughputCase(suite);
        final String multi = Record.multiThroughputCase(suite);
        final StringBuilder md = new StringBuilder();

        md.append("# `").append(suite).append("` suite\n\n");
        md.append("Every system runs as a fresh server JVM and a fresh client JVM; round trips have one call ")
            .append("outstanding. ").append(header.runs()).append(header.runs() == 1 ? " run" : " runs")
            .append(" with systems in rotating order; figures are medians over runs.\n\n");
        md.append("- JDK: ").append(header.jdk()).append(" (").append(header.vm()).append(")\n");
        md.append("- CPU: ").append(header.cpuModel()).append(", ").append(header.cores()).append(" cores\n");
        md.append("- date: ").append(header.date()).append(header.quick() ? " (quick run)" : "").append('\n');
        md.append("- multi-client throughput: ").append(header.clientThreads())
            .append(" client threads, each with its own connection, where the system supports it\n");
        md.append("- ratios: against `").append(reference).append("` measured in the same run")
            .append(" (p50 ÷ ref: above 1 is slower; ops/s ÷ ref: below 1 is slower)\n\n");

        md.append("| system | p50 | p99 | p99.9 | ops/s, 1 client | ops/s, ")
            .append(header.clientThreads()).append(" clients | p50 ÷ ref | ops/s ÷ ref | probe before/after (ns) | other CPU |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");

        final Optional<Double> refP50 = report.value(rtt, reference, Record.P50);
        final Optional<Double> refOps = report.value(tput, reference, Record.OPS_PER_S);
        for (final String system : report.systems())
        {
            final Optional<Double> p50 = report.value(rtt, system, Record.P50);
            final Optional<Double> ops = report.value(tput, system, Record.OPS_PER_S);
            md.append("| ").append(system)
                .append(" | ").append(p50.map(MarkdownReportWriter::duration).orElse(NONE))
                .append(" | ").append(report.value(rtt, system, Record.P99).map(MarkdownReportWriter::duration).orElse(NONE))
                .append(" | ").append(report.value(rtt, system, Record.P999).map(MarkdownReportWriter::duration).orElse(NONE))
                .append(" | ").append(ops.map(MarkdownReportWriter::rate).orElse(NONE))
                .append(" | ").append(report.value(multi, system, Record.OPS_PER_S).map(MarkdownReportWriter::rate).orElse(NONE))
                .append(" | ").append(ratio(p50, refP50))
                .append(" | ").append(ratio(ops, refOps))
                .append(" | ").append(probes(header.placementProbes(), system))
                .append(" | ").append(foreignCpu(header.placementProbes(), system))
                .append(" |\n");
        }
        md.append('\n');
        if (refP50.isEmpty())
        {
            md.append("Reference `").append(reference).append("` has no results in this run, so no ratios.\n\n");
        }
        md.append("> ").append(header.note()).append("\n\n");
        md.append(probeSummary(header, "system", "system runs"));
        final List<String> failures = failures(header.placementProbes());
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

    /**
     * @param ns  nanoseconds.
     * @return e.g. {@code 140 ns}, {@code 39.2 µs}, {@code 1.60 ms}.
     */
    public static String duration(final double ns)
    {
        if (ns < 1_000)
        {
            return String.format(Locale.ROOT, "%.0f ns", ns);
        }
        if (ns < 100_000)
        {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        }
        if (ns < 1_000_000)
        {
            return String.format(Locale.ROOT, "%.0f µs", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }

    /**
     * @param opsPerS  calls per second.
     * @return e.g. {@code 6.80 M}, {@code 27.1 k}.
     */
    public static String rate(final double opsPerS)
    {
        if (opsPerS >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2f M", opsPerS / 1e6);
        }
        if (opsPerS >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1f k", opsPerS / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", opsPerS);
    }

    /**
     * @param ratio  a ratio.
     * @return e.g. {@code 1.00×}, {@code 12.3×}, {@code 280×}, {@code 0.0046×}, {@code 0.000049×}.
     */
    public static String ratio(final double ratio)
    {
        if (ratio >= 100)
        {
            return String.format(Locale.ROOT, "%.0f×", ratio);
        }
        if (ratio >= 10)
        {
            return String.format(Locale.ROOT, "%.1f×", ratio);
        }
        if (ratio >= 0.1)
        {
            return String.format(Locale.ROOT, "%.2f×", ratio);
        }
        return new BigDecimal(ratio).round(new MathContext(2)).toPlainString() + "×";
    }

    private static String ratio(final Optional<Double> value, final Optional<Double> reference)
    {
        if (value.isEmpty() || reference.isEmpty() || reference.get() <= 0)
        {
            return NONE;
        }
        return ratio(value.get() / reference.get());
    }

    private static String probes(final List<ProbeEntry> probes, final String system)
    {
        final List<String> cells = new ArrayList<>();
        for (final ProbeEntry probe : probes)
        {
            if (probe.system().equals(system))
            {
                cells.add(probeFigure(probe.beforeP50Ns(), probe.beforeMode()) + "/" +
                    probeFigure(probe.afterP50Ns(), probe.afterMode()));
            }
        }
        return cells.isEmpty() ? NONE : String.join(", ", cells);
    }

    private static String probeFigure(final double ns, final String mode)
    {
        return String.format(Locale.ROOT, "%.0f", ns) + ("far".equals(mode) ? "*" : "");
    }

    private static String foreignCpu(final List<ProbeEntry> probes, final String system)
    {
        double max = -1;
        for (final ProbeEntry probe : probes)
        {
            if (probe.system().equals(system) && probe.foreignCpuPct() != null)
            {
                max = Math.max(max, probe.foreignCpuPct());
            }
        }
        return max < 0 ? NONE : String.format(Locale.ROOT, "≤ %.0f %%", max);
    }

    /**
     * @param header  header with the probes.
     * @param what    what ran between two probes, e.g. {@code system}.
     * @param runs    what the probe entries are called in a count, e.g. {@code system runs}.
     * @return a paragraph on the placement probes and other CPU use, ending in a newline.
     */
    public static String probeSummary(final Header header, final String what, final String runs)
    {
        final List<ProbeEntry> probes = header.placementProbes();
        // systems run back to back, so one system's "after" probe is usually the next one's "before"
        final List<Double> figures = new ArrayList<>();
        ProbeEntry previous = null;
        for (final ProbeEntry probe : probes)
        {
            if (previous == null || Double.compare(previous.afterP50Ns(), probe.beforeP50Ns()) != 0)
            {
                figures.add(probe.beforeP50Ns());
            }
            figures.add(probe.afterP50Ns());
            previous = probe;
        }
        final StringBuilder md = new StringBuilder();
        md.append("Placement probe: two-thread cache-line round trip in the harness JVM before and after each ")
            .append(what).append(", median over ").append(header.probeMs()).append(" ms; `*` marks the far placement mode (above ")
            .append(String.format(Locale.ROOT, "%.0f", header.probeFarThresholdNs()))
            .append(" ns). \"Other CPU\" is the largest share of the machine that other processes used while the ")
            .append(what).append(" ran.");
        if (!figures.isEmpty())
        {
            final long far = figures.stream().filter(ns -> ns > header.probeFarThresholdNs()).count();
            final double median = Medians.of(figures.stream().mapToDouble(Double::doubleValue).toArray());
            md.append(String.format(Locale.ROOT, " %d probes: median %.0f ns, %d in the far mode.",
                figures.size(), median, far));
        }
        final long busy = probes.stream()
            .filter(p -> p.foreignCpuPct() != null && p.foreignCpuPct() > BUSY_MACHINE_PCT).count();
        if (busy > 0)
        {
            md.append(String.format(Locale.ROOT, " In %d of %d %s other processes used more than %.0f %% " +
                "of the machine: those figures are suspect.", busy, probes.size(), runs, BUSY_MACHINE_PCT));
        }
        md.append('\n');
        return md.toString();
    }

    /**
     * @param probes  probe entries.
     * @return one line per failed run: its index, name and why.
     */
    public static List<String> failures(final List<ProbeEntry> probes)
    {
        final List<String> failures = new ArrayList<>();
        for (final ProbeEntry probe : probes)
        {
            if (!probe.ok())
            {
                failures.add("run " + probe.run() + ", `" + probe.system() + "`: " +
                    probe.status().replace('\n', ' '));
            }
        }
        return failures;
    }
}
