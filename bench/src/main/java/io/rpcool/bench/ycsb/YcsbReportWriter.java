package io.rpcool.bench.ycsb;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.knowm.xchart.CategoryChart;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Charts;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.Record;

/**
 * {@code ycsb.md} and {@code ycsb.png}: per thread count, one row per case with each system's
 * throughput, p50 and p99, and the throughput of {@code rpcool-shm} divided by that of {@code uds}
 * (the target ratio) measured in the same run.
 */
public final class YcsbReportWriter
{
    static final String SHM = "rpcool-shm";
    static final String UDS = "uds";
    private static final String NONE = "—";

    private YcsbReportWriter()
    {
    }

    /**
     * @param report  the records.
     * @param threads the thread counts run.
     * @param detail  a line on the run (records, operations, warm-up).
     * @return the Markdown document.
     */
    public static String markdown(final BenchReport report, final List<Integer> threads, final String detail)
    {
        final StringBuilder md = new StringBuilder("# `ycsb` suite\n\n");
        md.append("YCSB's own client (`site.ycsb.Client` 0.17.0) drives each store through a binding on a Netty client; ")
            .append("the server runs in its own JVM (or process), the client in another. ").append(detail).append("\n\n");
        md.append("- JDK: ").append(report.header().jdk()).append("; CPU: ").append(report.header().cpuModel()).append(", ")
            .append(report.header().cores()).append(" cores; date: ").append(report.header().date())
            .append(report.header().quick() ? " (quick run)" : "").append("\n\n");
        final List<String> cases = cases(report);
        final List<String> systems = report.systems();
        for (final int t : threads)
        {
            md.append("## ").append(t).append(t == 1 ? " client thread" : " client threads").append("\n\n| case |");
            final StringBuilder rule = new StringBuilder("|---|");
            for (final String s : systems)
            {
                md.append(' ').append(s).append(" ops/s | p50 | p99 |");
                rule.append("---:|---:|---:|");
            }
            md.append(" ").append(SHM).append(" ÷ ").append(UDS).append(" |\n").append(rule).append("---:|\n");
            for (final String c : cases)
            {
                md.append("| ").append(c).append(" |");
                for (final String s : systems)
                {
                    md.append(' ').append(value(report, c, s, YcsbRunner.metric(YcsbRunner.THROUGHPUT, t))
                        .map(MarkdownReportWriter::rate).orElse(NONE)).append(" |");
                    md.append(' ').append(value(report, c, s, YcsbRunner.metric(YcsbRunner.P50, t)).map(YcsbReportWriter::us)
                        .orElse(NONE)).append(" |");
                    md.append(' ').append(value(report, c, s, YcsbRunner.metric(YcsbRunner.P99, t)).map(YcsbReportWriter::us)
                        .orElse(NONE)).append(" |");
                }
                final Optional<Double> shm = value(report, c, SHM, YcsbRunner.metric(YcsbRunner.THROUGHPUT, t));
                final Optional<Double> uds = value(report, c, UDS, YcsbRunner.metric(YcsbRunner.THROUGHPUT, t));
                md.append(' ').append(shm.isPresent() && uds.isPresent() && uds.get() > 0 ?
                    MarkdownReportWriter.ratio(shm.get() / uds.get()) : NONE).append(" |\n");
            }
            md.append('\n');
        }
        md.append("> ").append(report.header().note()).append('\n');
        return md.toString();
    }

    /** Throughput (one client thread) and p50 per case and system, on log axes. */
    public static void chart(final BenchReport report, final Path file) throws IOException
    {
        final List<String> cases = cases(report);
        final CategoryChart tput = Charts.barChart("YCSB throughput, 1 client thread", "case", "ops/s (log scale)", true);
        final CategoryChart p50 = Charts.barChart("YCSB p50 latency, 1 client thread", "case", "us (log scale)", true);
        for (final String s : report.systems())
        {
            series(tput, report, cases, s, YcsbRunner.THROUGHPUT);
            series(p50, report, cases, s, YcsbRunner.P50);
        }
        Charts.fitLogAxis(tput);
        Charts.fitLogAxis(p50);
        Charts.writeSideBySide(List.of(tput, p50), file);
    }

    private static void series(final CategoryChart chart, final BenchReport report, final List<String> cases, final String system,
        final String metric)
    {
        final List<Double> y = new ArrayList<>();
        boolean any = false;
        for (final String c : cases)
        {
            final Optional<Double> v = value(report, c, system, metric).filter(d -> d > 0);
            y.add(v.orElse(null));
            any |= v.isPresent();
        }
        if (any)
        {
            chart.addSeries(system, cases, y);
        }
    }

    private static List<String> cases(final BenchReport report)
    {
        final List<String> cases = new ArrayList<>();
        for (final Record r : report.records())
        {
            if (!cases.contains(r.caseName()))
            {
                cases.add(r.caseName());
            }
        }
        cases.sort(null);
        return cases;
    }

    private static Optional<Double> value(final BenchReport report, final String c, final String s, final String metric)
    {
        return report.value(c, s, metric);
    }

    private static String us(final double us)
    {
        return us >= 100 ? String.format(Locale.ROOT, "%.0f us", us) : String.format(Locale.ROOT, "%.1f us", us);
    }
}
