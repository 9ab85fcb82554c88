package io.rpcool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
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
 * Runs two baselines through the real harness: separate server and client JVMs per system.
 */
@Tag("slow")
class MultiProcessSmokeTest
{
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldRunTwoBaselinesInSeparateJvmsAndWriteParsableResults(@TempDir final Path out) throws Exception
    {
        final int exit = BenchMain.execute("noop", "--quick", "--runs", "1",
            "--systems", "java-uds,raw-shm-pingpong",
            "--warmup-calls", "1000", "--calls", "1000", "--threads", "2", "--probe-ms", "100",
            "--assert-faster", "raw-shm-pingpong,java-uds",
            "--out-dir", out.toString());

        final JsonNode root = new ObjectMapper().readTree(out.resolve("noop.json").toFile());
        final Map<String, Double> values = new HashMap<>();
        for (final JsonNode record : root.get("records"))
        {
            values.put(record.get("system").asText() + "/" + record.get("case").asText() + "/" +
                record.get("metric").asText(), record.get("value").asDouble());
        }
        for (final String system : List.of("raw-shm-pingpong", "java-uds"))
        {
            for (final String key : List.of("noop-rtt/p50", "noop-rtt/p99", "noop-rtt/p99.9", "noop-throughput/ops_per_s"))
            {
                assertTrue(values.getOrDefault(system + "/" + key, 0.0) > 0, system + "/" + key + " in " + values);
            }
        }
        assertTrue(values.get("java-uds/noop-throughput-multi/ops_per_s") > 0, values.toString());
        assertTrue(!values.containsKey("raw-shm-pingpong/noop-throughput-multi/ops_per_s"), values.toString());

        final JsonNode header = root.get("header");
        assertEquals(1, header.get("runs").asInt());
        assertTrue(header.get("quick").asBoolean());
        assertEquals(2, header.get("placement_probes").size());
        assertTrue(header.get("placement_probes").get(0).get("before_p50_ns").asDouble() > 0);

        // the check compares medians of this very run, which a busy machine may reorder
        final boolean shmFaster = values.get("raw-shm-pingpong/noop-rtt/p50") < values.get("java-uds/noop-rtt/p50");
        assertEquals(shmFaster ? 0 : 1, exit);

        final String md = Files.readString(out.resolve("noop.md"));
        assertTrue(md.contains("| raw-shm-pingpong | "), md);
        assertTrue(md.contains("| java-uds | "), md);
        final BufferedImage png = ImageIO.read(out.resolve("noop.png").toFile());
        assertNotNull(png);
        assertTrue(png.getWidth() > 0 && png.getHeight() > 0);

        assertTrue(Files.exists(out.resolve("tmp/noop/run1/java-uds-server.out.log")));
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
            "forked JVMs left running");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRejectUnknownSystemsWithoutForking(@TempDir final Path out)
    {
        assertEquals(2, BenchMain.execute("noop", "--systems", "no-such-system", "--out-dir", out.toString()));
        assertEquals(2, BenchMain.execute("noop", "--systems", "java-uds", "--assert-faster", "java-uds,grpc-tcp",
            "--out-dir", out.toString()));
    }
}
