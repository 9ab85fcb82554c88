package io.rpcool.bench.ops;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.ProbeEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpsMarkdownWriterTest
{
    private static List<String> cells(final String markdown, final String caseName, final String system)
    {
        final String row = markdown.lines().filter(l -> l.startsWith("| " + caseName + " | " + system + " |"))
            .findFirst().orElseThrow(() -> new AssertionError("no row " + caseName + "/" + system + " in\n" + markdown));
        final List<String> cells = new ArrayList<>();
        for (final String cell : row.substring(1, row.length() - 1).split("\\|"))
        {
            cells.add(cell.trim());
        }
        return cells;
    }

    @Test
    void shouldRenderOneRowPerCaseAndSystemWithItsFigures()
    {
        final String md = OpsMarkdownWriter.render(OpsFixtures.report());

        assertEquals(List.of("ops-connect", "rpcool", "500 µs", "4.00 ms", "1.4 k"),
            cells(md, OpsCases.CONNECT, OpsCases.RPCOOL).subList(0, 5));
        assertEquals(List.of("ops-memcpy-1-page", "java-heap", "36 ns", "40 ns", "27.00 M"),
            cells(md, OpsCases.MEMCPY_1_PAGE, OpsCases.JAVA_HEAP).subList(0, 5));
        assertTrue(cells(md, OpsCases.MEMCPY_1024_PAGES, OpsCases.JAVA_HEAP).get(5).contains("System.arraycopy"), md);
        assertEquals(7, md.lines().filter(l -> l.startsWith("| ops-")).count());
    }

    @Test
    void shouldCompareSharedMemoryCopiesWithJavaHeapCopies()
    {
        final String md = OpsMarkdownWriter.render(OpsFixtures.report());

        assertTrue(md.contains("`ops-memcpy-1-page` 1.11×, `ops-memcpy-1024-pages` 0.70×"), md);
    }

    @Test
    void shouldCarryTheNoteTheTimingMethodAndTheProbes()
    {
        final String md = OpsMarkdownWriter.render(OpsFixtures.report());

        assertTrue(md.contains("> noisy"), md);
        assertTrue(md.contains("batches of " + OpsClient.PAGE_COPY_BATCH), md);
        assertTrue(md.contains("3 probes: median 139 ns, 1 in the far mode."), md);
        assertTrue(md.contains("In 1 of 2 runs other processes used more than 10 %"), md);
        assertTrue(md.contains("2: probe 139/488* ns, other CPU 12.0 %"), md);
        assertTrue(md.contains("(quick run)"), md);
        assertTrue(md.contains("**busy machine:** other processes used up to 12 % of it"), md);
    }

    @Test
    void shouldListFailedRuns()
    {
        final BenchReport report = new BenchReport(OpsFixtures.header(List.of(
            new ProbeEntry(1, OpsCases.SUITE, 131.0, "near", 139.0, "near", 0.5, "ops-client: exited without a 'RESULT' line"))),
            List.of());

        final String md = OpsMarkdownWriter.render(report);

        assertTrue(md.contains("Failed runs:"), md);
        assertTrue(md.contains("- run 1, `ops`: ops-client: exited without a 'RESULT' line"), md);
    }

    @Test
    void shouldDrawTheChart(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("ops.png");

        OpsChartWriter.write(OpsFixtures.report(), file);

        final BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png);
        assertEquals(1800, png.getWidth());
    }
}
