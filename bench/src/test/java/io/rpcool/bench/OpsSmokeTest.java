package io.rpcool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rpcool.bench.ops.OpsCases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the {@code ops} suite once through the real harness: a server JVM embedding the daemon and
 * a client JVM timing the operations.
 */
@Tag("slow")
class OpsSmokeTest
{
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldTimeEveryOperationInSeparateJvmsAndWriteTheReports(@TempDir final Path out) throws Exception
    {
        final int exit = BenchMain.execute("ops", "--quick", "--runs", "1", "--probe-ms", "100",
            "--out-dir", out.toString());

        assertEquals(0, exit);
        final JsonNode root = new ObjectMapper().readTree(out.resolve("ops.json").toFile());
        final Map<String, Double> values = new HashMap<>();
        for (final JsonNode record : root.get("records"))
        {
            final String unit = record.get("unit").asText();
            assertTrue(unit.equals("ns") || unit.equals("ops/s"), record.toString());
            values.put(record.get("case").asText() + "/" + record.get("system").asText() + "/" +
                record.get("metric").asText(), record.get("value").asDouble());
        }
        for (final String row : List.of("ops-connect/rpcool", "ops-create-channel/rpcool", "ops-destroy-channel/rpcool",
            "ops-memcpy-1-page/rpcool", "ops-memcpy-1-page/java-heap", "ops-memcpy-1024-pages/rpcool",
            "ops-memcpy-1024-pages/java-heap"))
        {
            for (final String metric : List.of("p50", "p99", "ops_per_s"))
            {
                assertTrue(values.getOrDefault(row + "/" + metric, 0.0) > 0, row + "/" + metric + " in " + values);
            }
        }
        // a 4 MiB copy cannot be faster than a 4 KiB one
        assertTrue(values.get("ops-memcpy-1024-pages/rpcool/p50") > values.get("ops-memcpy-1-page/rpcool/p50"));

        final JsonNode header = root.get("header");
        assertEquals(OpsCases.SUITE, header.get("suite").asText());
        for (final String key : List.of("jdk", "cpu_model", "cores", "date"))
        {
            assertTrue(header.has(key), "header lacks " + key);
        }
        assertFalse(header.has("client_threads"), header.toString());
        assertEquals(1, header.get("placement_probes").size());

        final String md = Files.readString(out.resolve("ops.md"));
        assertTrue(md.contains("| ops-connect | rpcool | "), md);
        assertNotNull(ImageIO.read(out.resolve("ops.png").toFile()));
        assertTrue(Files.exists(out.resolve("tmp/ops/run1/ops-client.out.log")));
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
            "forked JVMs left running");
    }
}
