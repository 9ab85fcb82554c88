package io.rpcool.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.rpcool.bench.ycsb.memcached.MemcachedYcsbStore;
import io.rpcool.harness.report.Record;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * YCSB's own client against the Memcached server JVM, a few thousand operations per workload: each
 * workload completes with no failed operation and gives a throughput and latency percentiles.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class YcsbSmokeTest
{
    private static final YcsbRunner.Options SMOKE = new YcsbRunner.Options(1_000, 2_000, 0, List.of(1), 60_000);

    @TempDir
    Path dir;

    @Test
    void shouldRunEveryMemcachedWorkloadOverRpcool() throws Exception
    {
        final List<String> failures = new ArrayList<>();
        final List<Record> records = new ArrayList<>();
        try (MemcachedYcsbStore store = new MemcachedYcsbStore())
        {
            final YcsbRunner runner = new YcsbRunner(SMOKE, dir, new PrintStream(System.out, true));
            records.addAll(runner.run(store, List.of("rpcool-shm"), store.workloads(), failures));
        }
        assertEquals(List.of(), failures);
        for (final String w : List.of("a", "b", "c", "d", "f"))
        {
            assertMeasured(records, "memcached-" + w, "rpcool-shm");
        }
        assertEquals(5 * 3, records.size(), records.toString());
    }

    @Test
    void shouldRunAgainstDebiansMemcachedOverItsUnixSocket() throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/memcached")) || "root".equals(System.getProperty("user.name")),
            "memcached is not installed and cannot be (not root): bench/ycsb/install-memcached.sh");
        final List<String> failures = new ArrayList<>();
        final List<Record> records;
        try (MemcachedYcsbStore store = new MemcachedYcsbStore())
        {
            records = new YcsbRunner(SMOKE, dir, new PrintStream(System.out, true))
                .run(store, List.of(MemcachedYcsbStore.C_UDS), List.of("c"), failures);
        }
        assertEquals(List.of(), failures);
        assertMeasured(records, "memcached-c", MemcachedYcsbStore.C_UDS);
    }

    private static void assertMeasured(final List<Record> records, final String caseName, final String system)
    {
        for (final String metric : List.of(YcsbRunner.THROUGHPUT, YcsbRunner.P50, YcsbRunner.P99))
        {
            assertTrue(records.stream().anyMatch(r -> r.caseName().equals(caseName) && r.system().equals(system) &&
                r.metric().equals(metric) && r.value() > 0), caseName + " " + system + " " + metric + " in " + records);
        }
    }
}
