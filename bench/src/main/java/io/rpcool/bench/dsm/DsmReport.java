package io.rpcool.bench.dsm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.knowm.xchart.CategoryChart;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Charts;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.Record;

/**
 * Renders {@code dsm.md} (each case against its anchor measured in the same run, and the project's
 * targets) and {@code dsm.png} (p50 per case and system, log axis).
 */
public final class DsmReport
{
    /** Target ratio of a page fetch to the raw round trip that carries it. */
    public static final double FETCH_TARGET = 2.0;
    /** Target ratio of the DSM no-op to the TCP fallback's. */
    public static final double NOOP_TARGET = 1.5;

    private static final String NONE = "—";
    private static final List<String> CASES = List.of(DsmCases.PAGE_FETCH_1, DsmCases.PAGE_FETCH_1024, DsmCases.NOOP_RTT,
        DsmCases.POINTER_READ);

    private DsmReport()
    {
    }

    /**
     * @param caseName  a case of the suite.
     * @return the system its ratios divide by.
     */
    public static String anchor(final String caseName)
    {
        return caseName.startsWith("page-fetch") ? DsmCases.RAW_TCP_4K : DsmCases.RPCOOL_TCP_FALLBACK;
    }

    /**
     * @param report  results of the {@code dsm} suite.
     * @return the Markdown document.
     */
    public static String markdown(final BenchReport report)
    {
        final Header header = report.header();
        final StringBuilder md = new StringBuilder();
        md.append("# `").append(header.suite()).append("` suite\n\n");
        md.append("Pages and calls between two JVMs in different memory domains on one host, over loopback TCP. ")
            .append("Page fetches: a server JVM owns a DSM heap's pages, a client JVM reads them (one page move each), ")
            .append("interleaved in the same run with raw TCP round trips of a 24-byte request and a 4 KiB reply between ")
            .append("the same two JVMs. No-op: an 8-byte echo from a client JVM in domain `").append(DsmCases.CLIENT_DOMAIN)
            .append("` to the noop suite's server JVM. ").append(header.runs()).append(header.runs() == 1 ? " run" : " runs")
            .append(" (fresh JVMs each), figures are medians over runs.\n\n");
        md.append("- JDK: ").append(header.jdk()).append(" (").append(header.vm()).append(")\n");
        md.append("- CPU: ").append(header.cpuModel()).append(", ").append(header.cores()).append(" cores\n");
        md.append("- date: ").append(header.date()).append(header.quick() ? " (quick run)" : "").append('\n');
        md.append("- `dsm-rdma` (and its anchor, `ib_read_lat`): **not measured** — the RDMA page transport does not ")
            .append("exist yet; every DSM figure here is the TCP page transport (`dsm-tcp`).\n\n");

        md.append("| case | system | p50 | p99 | p50 ratio to anchor | target |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (final String caseName : CASES)
        {
            final String anchor = anchor(caseName);
            final Optional<Double> base = report.value(DsmCases.POINTER_READ.equals(caseName) ? DsmCases.NOOP_RTT : caseName,
                anchor, Record.P50);
            for (final String system : report.systems())
            {
                final Optional<Double> p50 = report.value(caseName, system, Record.P50);
                if (p50.isEmpty())
                {
                    continue;
                }
                final Optional<Double> p99 = report.value(caseName, system, Record.P99);
                final String ratio = base.filter(b -> b > 0)
                    .map(b -> String.format(Locale.ROOT, "%.2f", p50.get() / b)).orElse(NONE);
                md.append("| ").append(caseName).append(" | ").append(system).append(" | ")
                    .append(MarkdownReportWriter.duration(p50.get())).append(" | ")
                    .append(p99.map(MarkdownReportWriter::duration).orElse(NONE)).append(" | ")
                    .append(system.equals(anchor) && !DsmCases.POINTER_READ.equals(caseName) ? "1.00 (anchor)" : ratio)
                    .append(" | ")
                    .append(target(caseName, system, p50.get(), base)).append(" |\n");
            }
        }
        md.append('\n');
        md.append("`page-fetch-1024`: one sample is 1,024 pages read one after the other (1,024 page moves), against ")
            .append("1,024 raw 4 KiB round trips back to back. `noop-rtt` rows run the same server; the rpcool rows differ ")
            .append("only in the connection heap (a DSM heap, or none). `pointer-read`: the client writes a long in the DSM heap, ")
            .append("the server reads it in place (two page moves per call), against the TCP fallback's no-op; the pager holds ")
            .append("a page that just arrived for `holdNs` (0.5 ms) before giving it back to a request.\n\n");
        md.append(MarkdownReportWriter.probeSummary(header, "measurement pair", "pairs"));
        final List<String> failures = MarkdownReportWriter.failures(header.placementProbes());
        if (!failures.isEmpty())
        {
            md.append("\nFailed runs:\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        if (header.note() != null)
        {
            md.append('\n').append(header.note()).append('\n');
        }
        return md.toString();
    }

    private static String target(final String caseName, final String system, final double p50, final Optional<Double> base)
    {
        final double limit;
        if (DsmCases.DSM_TCP.equals(system))
        {
            limit = FETCH_TARGET;
        }
        else if (DsmCases.NOOP_RTT.equals(caseName) && DsmCases.RPCOOL_DSM_TCP.equals(system))
        {
            limit = NOOP_TARGET;
        }
        else
        {
            return NONE;
        }
        if (base.isEmpty() || base.get() <= 0)
        {
            return "≤ " + limit + "× (no anchor)";
        }
        return "≤ " + limit + "×: " + (p50 <= limit * base.get() ? "met" : "missed");
    }

    /**
     * @param report  results of the {@code dsm} suite.
     * @param file    PNG to write.
     * @throws IOException if it cannot be written.
     */
    public static void chart(final BenchReport report, final Path file) throws IOException
    {
        final CategoryChart latency = Charts.barChart("p50 per case (dsm)", "case", "ns (log scale)", true);
        for (final String system : report.systems())
        {
            final List<String> x = new ArrayList<>();
            final List<Double> y = new ArrayList<>();
            boolean any = false;
            for (final String caseName : CASES)
            {
                final Optional<Double> value = report.value(caseName, system, Record.P50).filter(v -> v > 0);
                x.add(caseName);
                y.add(value.orElse(null));
                any |= value.isPresent();
            }
            if (any)
            {
                latency.addSeries(system, x, y);
            }
        }
        Charts.fitLogAxis(latency);
        Charts.writeSideBySide(List.of(latency), file);
    }
}
