package io.rpcool.examples.cooldb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.rpcool.cli.RpcoolCli;
import io.rpcool.examples.cooldb.bench.CoolDbReport;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.JsonReportWriter;
import io.rpcool.harness.report.Record;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code rpcool cooldb} with a small data set: four JVMs (a server and a client per system), phase times
 * and speed-ups printed, and the report written in the bench record format.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CoolDbCommandTest
{
    @Test
    void shouldRunBothSystemsAndWriteTheCoolDbReport() throws Exception
    {
        final Path out = Files.createTempDirectory("cooldb-report-");
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        final int exit;
        try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8))
        {
            System.setOut(print);
            exit = new CommandLine(new RpcoolCli()).execute("cooldb", "--docs", "1000", "--queries", "33",
                "--heap", "384m", "--probe-ms", "0", "--out-dir", out.toString());
        }
        finally
        {
            System.setOut(original);
        }
        final String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        assertEquals(0, exit, text);
        assertTrue(text.contains("rpcool-shm: build 1000 documents in"), text);
        assertTrue(text.contains("grpc-protobuf: search 33 queries in"), text);
        assertTrue(text.contains("Results of the systems agree"), text);

        final BenchReport report = JsonReportWriter.read(out.resolve("cooldb.json"));
        assertEquals("cooldb", report.header().suite());
        assertEquals(List.of("rpcool-shm", "grpc-protobuf"), report.systems());
        for (final String system : report.systems())
        {
            for (final String phase : List.of(CoolDbReport.BUILD, CoolDbReport.SEARCH, CoolDbReport.Q12))
            {
                assertTrue(report.value(phase, system, CoolDbReport.TIME).orElse(-1.0) > 0, phase + " " + system);
            }
        }
        assertTrue(report.value(CoolDbReport.BUILD, "rpcool-shm", CoolDbReport.SPEEDUP).isPresent());
        assertTrue(report.records().stream().map(Record::unit).allMatch(u -> u.equals("ms") || u.equals("x")));
        assertTrue(Files.readString(out.resolve("cooldb.md")).contains("| rpcool-shm |"));
        assertTrue(Files.size(out.resolve("cooldb.png")) > 1000);
    }
}
