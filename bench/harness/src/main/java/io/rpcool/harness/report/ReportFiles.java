package io.rpcool.harness.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a suite's {@code <suite>.json}, {@code .md} and {@code .png} and echoes the Markdown.
 */
public final class ReportFiles
{
    /**
     * Renders a suite's chart.
     */
    @FunctionalInterface
    public interface ChartRenderer
    {
        void write(BenchReport report, Path file) throws IOException;
    }

    private ReportFiles()
    {
    }

    /**
     * @param report    results.
     * @param markdown  the rendered Markdown.
     * @param chart     renders the PNG.
     * @param outDir    output directory.
     * @throws IOException if a file cannot be written.
     */
    public static void write(final BenchReport report, final String markdown, final ChartRenderer chart, final Path outDir)
        throws IOException
    {
        final String suite = report.header().suite();
        Files.createDirectories(outDir);
        JsonReportWriter.write(report, outDir.resolve(suite + ".json"));
        Files.writeString(outDir.resolve(suite + ".md"), markdown, StandardCharsets.UTF_8);
        chart.write(report, outDir.resolve(suite + ".png"));
        System.out.println();
        System.out.print(markdown);
        System.out.println("\nwrote " + outDir.resolve(suite + ".{json,md,png}"));
    }
}
