package io.rpcool.harness.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarkdownReportWriterTest
{
    private static String row(final String markdown, final String system)
    {
        return markdown.lines().filter(l -> l.startsWith("| " + system + " |")).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + system + " in\n" + markdown));
    }

    private static List<String> cells(final String row)
    {
        final List<String> cells = new ArrayList<>();
        for (final String cell : row.substring(1, row.length() - 1).split("\\|"))
        {
            cells.add(cell.trim());
        }
        return cells;
    }

    @Test
    void shouldRenderFiguresAndRatiosToTheReference()
    {
        final String md = MarkdownReportWriter.render(ReportFixtures.twoSystems(), "raw-shm-pingpong");

        final List<String> uds = cells(row(md, "java-uds"));
        assertEquals(List.of("java-uds", "28.0 µs", "72.0 µs", "137 µs", "32.0 k", "80.0 k", "280×", "0.0040×"),
            uds.subList(0, 8));
        final List<String> shm = cells(row(md, "raw-shm-pingpong"));
        assertEquals(List.of("raw-shm-pingpong", "100 ns", "160 ns", "300 ns", "8.00 M", "—", "1.00×", "1.00×"),
            shm.subList(0, 8));
    }

    @Test
    void shouldRenderProbeFiguresMarkingTheFarMode()
    {
        final String md = MarkdownReportWriter.render(ReportFixtures.twoSystems(), "raw-shm-pingpong");

        assertEquals("139/488*", cells(row(md, "java-uds")).get(8));
        assertEquals("≤ 12 %", cells(row(md, "java-uds")).get(9));
        assertTrue(md.contains("3 probes: median 139 ns, 1 in the far mode."), md);
        assertTrue(md.contains("In 1 of 2 system runs other processes used more than 10 % of the machine"), md);
    }

    @Test
    void shouldCarryTheNoiseNoteAndNameTheReference()
    {
        final String md = MarkdownReportWriter.render(ReportFixtures.twoSystems(), "raw-shm-pingpong");

        assertTrue(md.contains("> " + Header.NOISE_NOTE));
        assertTrue(md.contains("against `raw-shm-pingpong`"));
    }

    @Test
    void shouldLeaveRatiosEmptyWhenTheReferenceHasNoResults()
    {
        final String md = MarkdownReportWriter.render(ReportFixtures.twoSystems(), "rpcool-shm-relaxed");

        assertEquals(List.of("—", "—"), cells(row(md, "java-uds")).subList(6, 8));
        assertTrue(md.contains("Reference `rpcool-shm-relaxed` has no results"));
    }

    @Test
    void shouldPreferRpcoolShmRelaxedAsReferenceWhenPresent()
    {
        assertEquals("rpcool-shm-relaxed", BenchReport.chooseReference(null,
            List.of("raw-shm-pingpong", "rpcool-shm-relaxed", "java-uds")));
        assertEquals("raw-shm-pingpong", BenchReport.chooseReference(null, List.of("raw-shm-pingpong", "java-uds")));
        assertEquals("java-uds", BenchReport.chooseReference("java-uds", List.of("raw-shm-pingpong", "java-uds")));
    }

    @Test
    void shouldRatioAgainstRpcoolWhenItIsTheReference()
    {
        final BenchReport base = ReportFixtures.twoSystems();
        final List<Record> records = new ArrayList<>(base.records());
        records.addAll(ReportFixtures.latency("rpcool-shm-relaxed", 500.0, 900.0, 2_000.0));
        records.add(ReportFixtures.throughput("rpcool-shm-relaxed", 1_600_000.0));
        final BenchReport report = new BenchReport(base.header(), records);

        final String md = MarkdownReportWriter.render(report, "rpcool-shm-relaxed");

        assertEquals(List.of("56.0×", "0.020×"), cells(row(md, "java-uds")).subList(6, 8));
        assertEquals(List.of("0.20×", "5.00×"), cells(row(md, "raw-shm-pingpong")).subList(6, 8));
    }

    @Test
    void shouldListFailedRuns()
    {
        final BenchReport base = ReportFixtures.twoSystems();
        final List<ProbeEntry> probes = new ArrayList<>(base.header().placementProbes());
        probes.add(new ProbeEntry(2, "grpc-tcp", 130.0, "near", 131.0, "near", null,
            "grpc-tcp-server: no 'READY' line within 60000 ms"));
        final BenchReport report = new BenchReport(ReportFixtures.header(probes), base.records());

        final String md = MarkdownReportWriter.render(report, "raw-shm-pingpong");

        assertTrue(md.contains("- run 2, `grpc-tcp`: grpc-tcp-server: no 'READY' line within 60000 ms"), md);
    }

    @Test
    void shouldFormatDurationsRatesAndRatios()
    {
        assertEquals("140 ns", MarkdownReportWriter.duration(140.0));
        assertEquals("39.2 µs", MarkdownReportWriter.duration(39_200.0));
        assertEquals("253 µs", MarkdownReportWriter.duration(253_400.0));
        assertEquals("1.60 ms", MarkdownReportWriter.duration(1_600_000.0));
        assertEquals("6.80 M", MarkdownReportWriter.rate(6_800_000.0));
        assertEquals("27.1 k", MarkdownReportWriter.rate(27_100.0));
        assertEquals("1.43×", MarkdownReportWriter.ratio(1.43));
        assertEquals("930×", MarkdownReportWriter.ratio(930.4));
        assertEquals("0.0046×", MarkdownReportWriter.ratio(0.004612));
        assertEquals("0.000049×", MarkdownReportWriter.ratio(0.0000493));
    }
}
