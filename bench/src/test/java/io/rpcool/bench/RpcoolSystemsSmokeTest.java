package io.rpcool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * This project's shared-memory systems through the real harness: relaxed, sealed (the server
 * requires a seal, so an unsealed call would be rejected and leave no figures), sealed with batched
 * release, and sandboxed, each a server JVM and a client JVM.
 */
@Tag("slow")
class RpcoolSystemsSmokeTest
{
    private static final List<String> SYSTEMS =
        List.of("rpcool-shm-relaxed", "rpcool-shm-sealed", "rpcool-shm-sealed-batched", "rpcool-shm-sandboxed");

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldMeasureSealedAndSandboxedCallsBesideRelaxedOnes(@TempDir final Path out) throws Exception
    {
        final int exit = BenchMain.execute("noop", "--quick", "--runs", "1",
            "--systems", String.join(",", SYSTEMS),
            "--warmup-calls", "2000", "--calls", "2000", "--threads", "1", "--probe-ms", "100",
            "--out-dir", out.toString());
        assertEquals(0, exit);

        final JsonNode root = new ObjectMapper().readTree(out.resolve("noop.json").toFile());
        final Map<String, Double> values = new HashMap<>();
        for (final JsonNode record : root.get("records"))
        {
            values.put(record.get("system").asText() + "/" + record.get("case").asText() + "/" +
                record.get("metric").asText(), record.get("value").asDouble());
        }
        for (final String system : SYSTEMS)
        {
            for (final String key : List.of("noop-rtt/p50", "noop-rtt/p99", "noop-throughput/ops_per_s"))
            {
                assertTrue(values.getOrDefault(system + "/" + key, 0.0) > 0, system + "/" + key + " in " + values);
            }
        }
        final String md = Files.readString(out.resolve("noop.md"));
        for (final String system : SYSTEMS)
        {
            assertTrue(md.contains("| " + system + " | "), md);
        }
    }
}
