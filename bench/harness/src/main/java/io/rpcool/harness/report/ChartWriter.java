package io.rpcool.harness.report;

import org.knowm.xchart.CategoryChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders {@code <suite>.png}: round-trip percentiles per system and throughput per system, side by
 * side, both on logarithmic axes (the systems span three to four orders of magnitude).
 */
public final class ChartWriter
{
    private ChartWriter()
    {
    }

    /**
     * @param report  results.
     * @param file    PNG to write.
     * @throws IOException if it cannot be written.
     */
    public static void write(final BenchReport report, final Path file) throws IOException
    {
        final List<String> systems = report.systems();
        final String suite = report.header().suite();

        final CategoryChart latency = Charts.barChart(
            "Round trip, one call outstanding (" + suite + ")", "system", "ns (log scale)", true);
        addSeries(latency, report, systems, Record.rttCase(suite), Record.P50, "p50");
        addSeries(latency, report, systems, Record.rttCase(suite), Record.P99, "p99");
        addSeries(latency, report, systems, Record.rttCase(suite), Record.P999, "p99.9");

        final CategoryChart throughput = Charts.barChart(
            "Throughput (" + suite + ")", "system", "calls/s (log scale)", true);
        addSeries(throughput, report, systems, Record.throughputCase(suite), Record.OPS_PER_S, "1 client");
        addSeries(throughput, report, systems, Record.multiThroughputCase(suite), Record.OPS_PER_S,
            report.header().clientThreads() + " clients");

        Charts.fitLogAxis(latency);
        Charts.fitLogAxis(throughput);
        Charts.writeSideBySide(List.of(latency, throughput), file);
    }

    private static void addSeries(final CategoryChart chart, final BenchReport report, final List<String> systems,
        final String caseName, final String metric, final String seriesName)
    {
        final List<String> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        boolean any = false;
        for (final String system : systems)
        {
            final Optional<Double> value = report.value(caseName, system, metric).filter(v -> v > 0);
            x.add(system);
            y.add(value.orElse(null));
            any |= value.isPresent();
        }
        if (any)
        {
            chart.addSeries(seriesName, x, y);
        }
    }
}
