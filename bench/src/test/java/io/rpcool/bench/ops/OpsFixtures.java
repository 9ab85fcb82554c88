package io.rpcool.bench.ops;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.ProbeEntry;

import java.util.List;

/**
 * Hand-made {@code ops} results for the report tests.
 */
final class OpsFixtures
{
    private OpsFixtures()
    {
    }

    static OpsCaseResult result(final String caseName, final String system, final double p50, final double p99,
        final double opsPerS)
    {
        return new OpsCaseResult(caseName, system, p50, p99, p50 * 1.1, p99 * 2, 100, 100, opsPerS);
    }

    /**
     * One run: connect 500 µs, channels 800/300 µs, copies 40/36 ns and 86/123 µs, each figure
     * multiplied by {@code scale}.
     */
    static OpsResult run(final double scale)
    {
        return new OpsResult(List.of(
            result(OpsCases.CONNECT, OpsCases.RPCOOL, 500_000 * scale, 4_000_000 * scale, 1_400 / scale),
            result(OpsCases.CREATE_CHANNEL, OpsCases.RPCOOL, 800_000 * scale, 4_000_000 * scale, 1_000 / scale),
            result(OpsCases.DESTROY_CHANNEL, OpsCases.RPCOOL, 300_000 * scale, 2_000_000 * scale, 2_500 / scale),
            result(OpsCases.MEMCPY_1_PAGE, OpsCases.RPCOOL, 40 * scale, 45 * scale, 25e6 / scale),
            result(OpsCases.MEMCPY_1_PAGE, OpsCases.JAVA_HEAP, 36 * scale, 40 * scale, 27e6 / scale),
            result(OpsCases.MEMCPY_1024_PAGES, OpsCases.RPCOOL, 86_000 * scale, 190_000 * scale, 11e3 / scale),
            result(OpsCases.MEMCPY_1024_PAGES, OpsCases.JAVA_HEAP, 123_000 * scale, 220_000 * scale, 8.6e3 / scale)));
    }

    static Header header(final List<ProbeEntry> probes)
    {
        return new Header(OpsCases.SUITE, "17.0.15", "OpenJDK 64-Bit Server VM 17.0.15", "AMD EPYC", 2,
            "2025-01-01T00:00:00Z", true, probes.size(), null, null, 500L, 300.0, probes, "noisy");
    }

    static BenchReport report()
    {
        final List<ProbeEntry> probes = List.of(
            new ProbeEntry(1, OpsCases.SUITE, 131.0, "near", 139.0, "near", 0.5, ProbeEntry.OK),
            new ProbeEntry(2, OpsCases.SUITE, 139.0, "near", 488.0, "far", 12.0, ProbeEntry.OK));
        return new BenchReport(header(probes), OpsReportBuilder.records(List.of(run(1.0), run(1.0))));
    }
}
