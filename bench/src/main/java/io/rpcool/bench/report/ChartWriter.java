package io.rpcool.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
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
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

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
        System.setProperty("java.awt.headless", "true");
        final List<String> systems = report.systems();
        final String suite = report.header().suite();

        final CategoryChart latency = chart("Round trip, one call outstanding (" + suite + ")", "ns (log scale)");
        addSeries(latency, report, systems, Record.rttCase(suite), Record.P50, "p50");
        addSeries(latency, report, systems, Record.rttCase(suite), Record.P99, "p99");
        addSeries(latency, report, systems, Record.rttCase(suite), Record.P999, "p99.9");

        final CategoryChart throughput = chart("Throughput (" + suite + ")", "calls/s (log scale)");
        addSeries(throughput, report, systems, Record.throughputCase(suite), Record.OPS_PER_S, "1 client");
        addSeries(throughput, report, systems, Record.multiThroughputCase(suite), Record.OPS_PER_S,
            report.header().clientThreads() + " clients");

        fitLogAxis(latency);
        fitLogAxis(throughput);

        final BufferedImage image = new BufferedImage(2 * WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            if (!latency.getSeriesMap().isEmpty())
            {
                g.drawImage(BitmapEncoder.getBufferedImage(latency), 0, 0, null);
            }
            if (!throughput.getSeriesMap().isEmpty())
            {
                g.drawImage(BitmapEncoder.getBufferedImage(throughput), WIDTH, 0, null);
            }
        }
        finally
        {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile()))
        {
            throw new IOException("no PNG writer available");
        }
    }

    private static CategoryChart chart(final String title, final String yTitle)
    {
        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH).height(HEIGHT).title(title).xAxisTitle("system").yAxisTitle(yTitle).build();
        final var styler = chart.getStyler();
        styler.setYAxisLogarithmic(true);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setXAxisLabelRotation(30);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setOverlapped(false);
        return chart;
    }

    /**
     * Bars on a logarithmic axis need explicit bounds: whole decades around the data.
     */
    private static void fitLogAxis(final CategoryChart chart)
    {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (final var series : chart.getSeriesMap().values())
        {
            for (final Number value : series.getYData())
            {
                if (value != null)
                {
                    min = Math.min(min, value.doubleValue());
                    max = Math.max(max, value.doubleValue());
                }
            }
        }
        if (max > 0)
        {
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.floor(Math.log10(max)) + 1));
        }
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
