package io.rpcool.bench.ops;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Charts;
import io.rpcool.harness.report.Record;
import org.knowm.xchart.CategoryChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders {@code ops.png}: p50 and p99 per case and system, and operations per second, side by
 * side on logarithmic axes (the cases span from tens of nanoseconds to milliseconds).
 */
public final class OpsChartWriter
{
    private OpsChartWriter()
    {
    }

    /**
     * @param report  results of the {@code ops} suite.
     * @param file    PNG to write.
     * @throws IOException if it cannot be written.
     */
    public static void write(final BenchReport report, final Path file) throws IOException
    {
        final List<String> cases = new ArrayList<>();
        for (final Record record : report.records())
        {
            // The suite's own cases; seal and sandbox records from other harnesses stay in the tables.
            if (OpsCases.isOwn(record.caseName()) && !cases.contains(record.caseName()))
            {
                cases.add(record.caseName());
            }
        }
        final List<String> systems = report.systems();

        final CategoryChart latency = Charts.barChart("Time per operation (ops)", "case", "ns (log scale)", true);
        final CategoryChart rate = Charts.barChart("Operations per second (ops)", "case", "ops/s (log scale)", true);
        for (final String system : systems)
        {
            addSeries(latency, report, cases, system, Record.P50, system + " p50");
            addSeries(latency, report, cases, system, Record.P99, system + " p99");
            addSeries(rate, report, cases, system, Record.OPS_PER_S, system);
        }
        Charts.fitLogAxis(latency);
        Charts.fitLogAxis(rate);
        Charts.writeSideBySide(List.of(latency, rate), file);
    }

    private static void addSeries(final CategoryChart chart, final BenchReport report, final List<String> cases,
        final String system, final String metric, final String seriesName)
    {
        final List<String> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        boolean any = false;
        for (final String caseName : cases)
        {
            final Optional<Double> value = report.value(caseName, system, metric).filter(v -> v > 0);
            x.add(caseName.startsWith(OpsCases.SUITE + "-") ? caseName.substring(OpsCases.SUITE.length() + 1) : caseName);
            y.add(value.orElse(null));
            any |= value.isPresent();
        }
        if (any)
        {
            chart.addSeries(seriesName, x, y);
        }
    }
}
