package io.rpcool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rpcool.bench.alloc.AllocJmhMain;
import io.rpcool.bench.alloc.AllocSuite;
import io.rpcool.bench.alloc.JmhResult;
import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.harness.Harness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the {@code alloc} suite's forked JVMs: the per-thread counts through the command, and a
 * short JMH run with the GC profiler.
 */
@Tag("slow")
class AllocSmokeTest
{
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldCountBytesPerCallOfBothSidesInForkedJvmsAndWriteTheReports(@TempDir final Path out) throws Exception
    {
        final int exit = BenchMain.execute("alloc", "--quick", "--runs", "1", "--no-jmh", "--out-dir", out.toString());

        assertEquals(0, exit);
        final JsonNode root = new ObjectMapper().readTree(out.resolve("alloc.json").toFile());
        final Map<String, Double> values = new HashMap<>();
        for (final JsonNode record : root.get("records"))
        {
            assertEquals("alloc_bytes_per_op", record.get("metric").asText());
            assertEquals("B/op", record.get("unit").asText());
            values.put(record.get("case").asText() + "/" + record.get("system").asText(), record.get("value").asDouble());
        }
        assertTrue(values.get("alloc-noop-call-client/rpcool-shm-relaxed") < AllocSuite.ALLOCATION_FREE_BYTES_PER_OP,
            values.toString());
        assertTrue(values.get("alloc-noop-call-server/rpcool-shm-relaxed") < AllocSuite.ALLOCATION_FREE_BYTES_PER_OP,
            values.toString());
        // the TCP fallback copies through Netty buffers and promises: not zero, but the record must be there
        assertTrue(values.containsKey("alloc-noop-call-client/rpcool-tcp-fallback"), values.toString());
        assertTrue(values.containsKey("alloc-noop-call-other/rpcool-tcp-fallback"), values.toString());

        final JsonNode header = root.get("header");
        assertEquals("alloc", header.get("suite").asText());
        assertTrue(header.has("cpu_model") && header.has("cores") && header.has("jdk") && header.has("date"));
        assertTrue(Files.readString(out.resolve("alloc.md")).contains("allocation-free"));
        assertNotNull(ImageIO.read(out.resolve("alloc.png").toFile()));
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
            "forked JVMs left running");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReportJmhsAllocationRateNormalisedPerCall(@TempDir final Path dir) throws Exception
    {
        final Harness harness = new Harness(Harness.forkClassPath(), dir, dir, 0,
            new PrintStream(OutputStream.nullOutputStream()));

        final String json = harness.runSingle("jmh", 1, AllocJmhMain.class, List.of(), List.of("transports=shm",
            "warmupIterations=1", "warmupMs=300", "iterations=1", "iterationMs=300", "forks=1"), 120_000);

        final JmhResult result = ForkProtocol.parseResult(json, JmhResult.class);
        assertEquals(1, result.entries().size());
        final JmhResult.Entry entry = result.entries().get(0);
        assertEquals("rpcool-shm-relaxed", entry.system());
        assertTrue(entry.allocBytesPerOp() >= 0, entry.toString());
        assertTrue(entry.opsPerS() > 0, entry.toString());
        assertTrue(Files.readString(dir.resolve("run1/jmh.out.log")).contains("gc.alloc.rate.norm"));
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
    }
}
