package io.rpcool.harness.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-made reports for the writer tests.
 */
final class ReportFixtures
{
    private ReportFixtures()
    {
    }

    static Header header(final List<ProbeEntry> probes)
    {
        return new Header("noop", "17.0.15", "OpenJDK 64-Bit Server VM 17.0.15", "AMD EPYC", 2,
            "2025-01-01T00:00:00Z", true, 3, 4, BenchReport.RAW_SHM_REFERENCE, 500L, 300.0, probes, Header.NOISE_NOTE);
    }

    static List<Record> latency(final String system, final double p50, final double p99, final double p999)
    {
        final List<Record> records = new ArrayList<>();
        records.add(new Record("noop-rtt", system, Record.P50, p50, Record.NS));
        records.add(new Record("noop-rtt", system, Record.P99, p99, Record.NS));
        records.add(new Record("noop-rtt", system, Record.P999, p999, Record.NS));
        return records;
    }

    static Record throughput(final String system, final double opsPerS)
    {
        return new Record("noop-throughput", system, Record.OPS_PER_S, opsPerS, Record.OPS_PER_S_UNIT);
    }

    static Record multiThroughput(final String system, final double opsPerS)
    {
        return new Record("noop-throughput-multi", system, Record.OPS_PER_S, opsPerS, Record.OPS_PER_S_UNIT);
    }

    /**
     * raw-shm-pingpong at 100 ns / 8 M ops/s and java-uds at 28 µs / 32 k ops/s (4 clients 80 k).
     */
    static BenchReport twoSystems()
    {
        final List<Record> records = new ArrayList<>();
        records.addAll(latency("raw-shm-pingpong", 100.0, 160.0, 300.0));
        records.add(throughput("raw-shm-pingpong", 8_000_000.0));
        records.addAll(latency("java-uds", 28_000.0, 72_000.0, 137_000.0));
        records.add(throughput("java-uds", 32_000.0));
        records.add(multiThroughput("java-uds", 80_000.0));
        final List<ProbeEntry> probes = List.of(
            new ProbeEntry(1, "raw-shm-pingpong", 131.0, "near", 139.0, "near", 0.5, ProbeEntry.OK),
            new ProbeEntry(1, "java-uds", 139.0, "near", 488.0, "far", 12.0, ProbeEntry.OK));
        return new BenchReport(header(probes), records);
    }
}
