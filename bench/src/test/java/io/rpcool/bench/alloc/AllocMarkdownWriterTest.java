package io.rpcool.bench.alloc;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocMarkdownWriterTest
{
    private static final AllocSuite SETTINGS = AllocSuite.settings(true);

    private static BenchReport report(final List<AllocationProbe.Result> probes, final JmhResult jmh)
    {
        final Header header = new Header(AllocSuite.NAME, "17.0.15", "vm", "AMD EPYC", 2, "2025-01-01T00:00:00Z",
            true, 1, null, null, null, null, List.of(), "steady");
        return new BenchReport(header, AllocReportBuilder.records(AllocFixtures.SYSTEMS, probes, jmh));
    }

    private static List<String> cells(final String markdown, final String system)
    {
        final String row = markdown.lines().filter(l -> l.startsWith("| " + system + " |")).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + system + " in\n" + markdown));
        final List<String> cells = new ArrayList<>();
        for (final String cell : row.substring(1, row.length() - 1).split("\\|"))
        {
            cells.add(cell.trim());
        }
        return cells;
    }

    @Test
    void shouldRenderBytesPerCallOfEverySideAndCallAnAllocationFreePathSo()
    {
        final List<AllocationProbe.Result> probes = List.of(
            AllocFixtures.probe(AllocFixtures.SHM, 100_000, 0, 0, 400),
            AllocFixtures.probe(AllocFixtures.TCP, 1_000, 132_000, 68_000, 35_000));

        final String md = AllocMarkdownWriter.render(report(probes, AllocFixtures.jmh()), SETTINGS, probes,
            AllocFixtures.jmh(), List.of());

        assertEquals(List.of(AllocFixtures.SHM, "0", "0", "0.004", "0.160 ± 2.50", "4.60 M"), cells(md, AllocFixtures.SHM));
        assertEquals(List.of(AllocFixtures.TCP, "132", "68.00", "35.00", "267", "8.5 k"), cells(md, AllocFixtures.TCP));
        assertTrue(md.contains("**The shared-memory call path is allocation-free:** client 0 and server 0 B/call"), md);
        assertTrue(md.contains("`rpcool-daemon-load` 0.4 kB/s"), md);
        assertTrue(md.contains("100,000 calls after 50,000 warm-up calls"), md);
        assertTrue(md.contains("> steady"), md);
    }

    @Test
    void shouldSayWhenTheSharedMemoryPathAllocates()
    {
        final List<AllocationProbe.Result> probes = List.of(AllocFixtures.probe(AllocFixtures.SHM, 1_000, 24_000, 0, 0));

        final String md = AllocMarkdownWriter.render(report(probes, null), SETTINGS, probes, null,
            List.of("JMH: exited without a 'RESULT' line"));

        assertTrue(md.contains("**The shared-memory call path allocates:** client 24.00 and server 0 B/call"), md);
        assertEquals("—", cells(md, AllocFixtures.SHM).get(4));
        assertTrue(md.contains("- JMH: exited without a 'RESULT' line"), md);
        assertTrue(!md.contains("JMH `-prof gc`"), md);
    }

    @Test
    void shouldFormatBytesPerCallWithPrecisionWhereItMatters()
    {
        assertEquals("0", AllocMarkdownWriter.bytes(0));
        assertEquals("0.004", AllocMarkdownWriter.bytes(0.0042));
        assertEquals("2.27", AllocMarkdownWriter.bytes(2.265));
        assertEquals("142", AllocMarkdownWriter.bytes(141.86));
    }

    @Test
    void shouldDrawTheChart(@TempDir final Path dir) throws Exception
    {
        final List<AllocationProbe.Result> probes = List.of(
            AllocFixtures.probe(AllocFixtures.SHM, 100_000, 0, 0, 400),
            AllocFixtures.probe(AllocFixtures.TCP, 1_000, 132_000, 68_000, 35_000));
        final Path file = dir.resolve("alloc.png");

        AllocChartWriter.write(report(probes, AllocFixtures.jmh()), file);

        assertNotNull(ImageIO.read(file.toFile()));
    }

    @Test
    void shouldPassItsSettingsToTheForkedJvms()
    {
        final KeyValueArgs probe = new KeyValueArgs(
            SETTINGS.probeArgs(NoopCallFixture.Kind.TCP).toArray(new String[0]), List.of("transport", "warmupCalls", "calls"));
        assertEquals("tcp", probe.string("transport"));
        assertEquals(SETTINGS.tcpCalls(), probe.number("calls"));

        final KeyValueArgs jmh = new KeyValueArgs(SETTINGS.jmhArgs("shm").toArray(new String[0]),
            List.of("transports", "warmupIterations", "warmupMs", "iterations", "iterationMs", "forks"));
        assertEquals(SETTINGS.jmhForks(), jmh.number("forks"));
    }
}
