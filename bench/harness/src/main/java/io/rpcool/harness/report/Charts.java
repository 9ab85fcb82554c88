package io.rpcool.harness.report;

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
import java.util.List;

/**
 * XChart helpers shared by the suites' chart writers: bar charts in one style, logarithmic axes
 * fitted to whole decades, and several charts side by side in one PNG.
 */
public final class Charts
{
    /**
     * Width of one chart panel in pixels.
     */
    public static final int WIDTH = 900;

    /**
     * Height of the image in pixels.
     */
    public static final int HEIGHT = 560;

    private Charts()
    {
    }

    /**
     * @param title        chart title.
     * @param xTitle       category axis title.
     * @param yTitle       value axis title.
     * @param logarithmic  whether the value axis is logarithmic.
     * @return an empty bar chart, legend below the plot.
     */
    public static CategoryChart barChart(final String title, final String xTitle, final String yTitle,
        final boolean logarithmic)
    {
        System.setProperty("java.awt.headless", "true");
        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        final var styler = chart.getStyler();
        styler.setYAxisLogarithmic(logarithmic);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setXAxisLabelRotation(30);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setOverlapped(false);
        return chart;
    }

    /**
     * Bars on a logarithmic axis need explicit bounds: whole decades around the data, the lower one
     * at least a factor of 2 below the smallest value so that no bar is too short to see.
     *
     * @param chart  a chart with a logarithmic value axis.
     */
    public static void fitLogAxis(final CategoryChart chart)
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
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min / 2))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.floor(Math.log10(max)) + 1));
        }
    }

    /**
     * Write the charts side by side into one PNG; charts without series leave their panel blank.
     *
     * @param charts  charts of {@link #WIDTH} by {@link #HEIGHT} pixels.
     * @param file    PNG to write.
     * @throws IOException if it cannot be written.
     */
    public static void writeSideBySide(final List<CategoryChart> charts, final Path file) throws IOException
    {
        final BufferedImage image = new BufferedImage(Math.max(1, charts.size()) * WIDTH, HEIGHT,
            BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++)
            {
                if (!charts.get(i).getSeriesMap().isEmpty())
                {
                    g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), i * WIDTH, 0, null);
                }
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
}
