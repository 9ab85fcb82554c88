package io.rpcool.bench.lease;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.CategoryChart;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Charts;
import io.rpcool.harness.report.Record;

/**
 * Renders {@code lease.png}: the median of every lease figure, one bar per case and system, on a
 * logarithmic axis (round trips in nanoseconds sit beside notifications in milliseconds).
 */
public final class LeaseChartWriter
{
    private LeaseChartWriter()
    {
    }

    public static void write(final BenchReport report, final Path file) throws IOException
    {
        final CategoryChart chart = Charts.barChart("Leases: medians (lease suite)", "case / system", "ns (log scale)", true);
        final List<String> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (final Record r : report.records())
        {
            if (Record.P50.equals(r.metric()) && r.value() > 0)
            {
                x.add(r.caseName().replaceFirst("^lease-", "") + " / " + r.system());
                y.add(r.value());
            }
        }
        if (!x.isEmpty())
        {
            chart.addSeries("p50", x, y);
            Charts.fitLogAxis(chart);
        }
        Charts.writeSideBySide(List.of(chart), file);
    }
}
