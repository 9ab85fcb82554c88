package io.rpcool.bench.report;

import io.rpcool.bench.fork.ClientResult;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.ProbeEntry;
import io.rpcool.harness.report.Record;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportBuilderTest
{
    private static SystemRun run(final int run, final String system, final ClientResult result)
    {
        final ProbeEntry probe = new ProbeEntry(run, system, 130.0, "near", 130.0, "near", 0.0,
            result == null ? "server exited" : ProbeEntry.OK);
        return new SystemRun(probe, result, 1.0);
    }

    private static ClientResult result(final double p50, final double ops, final Double multiOps)
    {
        return new ClientResult(p50, 2 * p50, 3 * p50, 4 * p50, p50, 1000, ops, multiOps == null ? 0 : 4, multiOps);
    }

    @Test
    void shouldRecordMediansPerSystemAndSkipFailedRuns()
    {
        final List<SystemRun> runs = List.of(
            run(1, "java-uds", result(30_000, 30_000, 90_000.0)),
            run(2, "java-uds", result(40_000, 25_000, 80_000.0)),
            run(3, "java-uds", null),
            run(1, "raw-shm-pingpong", result(120, 7_000_000, null)));

        final BenchReport report = new BenchReport(new Header("noop", "17", "vm", "cpu", 2, "2025-01-01T00:00:00Z", true, 3, 4,
            BenchReport.RAW_SHM_REFERENCE, 500L, 300.0, List.of(), Header.NOISE_NOTE),
            ReportBuilder.records("noop", List.of("raw-shm-pingpong", "java-uds"), runs));

        assertEquals(List.of("raw-shm-pingpong", "java-uds"), report.systems());
        assertEquals(35_000.0, report.value("noop-rtt", "java-uds", "p50").orElseThrow());
        assertEquals(105_000.0, report.value("noop-rtt", "java-uds", "p99.9").orElseThrow());
        assertEquals(27_500.0, report.value("noop-throughput", "java-uds", "ops_per_s").orElseThrow());
        assertEquals(85_000.0, report.value("noop-throughput-multi", "java-uds", "ops_per_s").orElseThrow());
        assertTrue(report.value("noop-throughput-multi", "raw-shm-pingpong", "ops_per_s").isEmpty());
    }

    @Test
    void shouldOmitSystemsWithoutAnySuccessfulRun()
    {
        final List<Record> records = ReportBuilder.records("noop", List.of("grpc-tcp"),
            List.of(run(1, "grpc-tcp", null)));

        assertTrue(records.isEmpty());
    }
}
