package io.rpcool.bench;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.Record;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FasterAssertionTest
{
    private static BenchReport report()
    {
        final Header header = new Header("noop", "17", "vm", "cpu", 2, "2025-01-01T00:00:00Z", true, 1, 4,
            "raw-shm-pingpong", 500L, 300.0, List.of(), Header.NOISE_NOTE);
        return new BenchReport(header, List.of(
            new Record("noop-rtt", "rpcool-shm-relaxed", "p50", 500.0, "ns"),
            new Record("noop-rtt", "rpcool-tcp-fallback", "p50", 30_000.0, "ns"),
            new Record("noop-throughput", "rpcool-shm-relaxed", "ops_per_s", 1.0e6, "ops/s")));
    }

    @Test
    void shouldPassWhenTheFirstSystemHasTheLowerP50()
    {
        assertTrue(FasterAssertion.check(report(), "rpcool-shm-relaxed", "rpcool-tcp-fallback").isEmpty());
    }

    @Test
    void shouldFailWhenTheFirstSystemIsNotFaster()
    {
        final String why = FasterAssertion.check(report(), "rpcool-tcp-fallback", "rpcool-shm-relaxed").orElseThrow();
        assertTrue(why.contains("is not lower than"), why);
    }

    @Test
    void shouldFailWhenASystemHasNoResult()
    {
        final String why = FasterAssertion.check(report(), "rpcool-shm-relaxed", "grpc-tcp").orElseThrow();
        assertTrue(why.contains("grpc-tcp"), why);
    }
}
