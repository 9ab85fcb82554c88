package io.rpcool.bench.alloc;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Charts;
import io.rpcool.harness.report.Record;
import org.knowm.xchart.CategoryChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code alloc.png}: bytes per call per system, one bar each for the client, the server, the
 * other threads and all threads (JMH), on a linear axis with the values printed on the bars (an
 * allocation-free path is a bar of height zero).
 */
public final class AllocChartWriter
{
    private AllocChartWriter()
    {
    }

    /**
     * @param report  results of the {@code alloc} suite.
     * @param file    PNG to write.
     * @throws IOException if it cannot be written.
     */
    public static void write(final BenchReport report, final Path file) throws IOException
    {
        final List<String> systems = report.systems();
        final CategoryChart chart = Charts.barChart("Bytes allocated per no-op call (alloc)", "system", "B/call", false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###"); // the bar labels use it too
        addSeries(chart, report, systems, AllocSuite.CLIENT_CASE, "client");
        addSeries(chart, report, systems, AllocSuite.SERVER_CASE, "server");
        addSeries(chart, report, systems, AllocSuite.OTHER_CASE, "other threads");
        addSeries(chart, report, systems, AllocSuite.TOTAL_CASE, "all threads (JMH)");
        Charts.writeSideBySide(List.of(chart), file);
    }

    private static void addSeries(final CategoryChart chart, final BenchReport report, final List<String> systems,
        final String caseName, final String seriesName)
    {
        final List<String> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        boolean any = false;
        for (final String system : systems)
        {
            final Double value = report.value(caseName, system, Record.ALLOC_BYTES_PER_OP).orElse(null);
            x.add(system);
            y.add(value == null ? 0.0 : value);
            any |= value != null;
        }
        if (any)
        {
            chart.addSeries(seriesName, x, y);
        }
    }
}
