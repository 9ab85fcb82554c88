package io.rpcool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rpcool.bench.dsm.DsmCases;
import io.rpcool.dsm.Dsm;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the {@code dsm} suite in its smallest form through the real harness (a fetch server and client
 * JVM over the DSM, then one server and client JVM per no-op system, the clients in another memory
 * domain) and checks the records' shape and the report files.
 */
@Tag("slow")
class DsmSmokeTest
{
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldMeasureEveryCaseInSeparateJvmsAndWriteTheReports(@TempDir final Path out) throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final int exit = BenchMain.execute(DsmCases.SUITE, "--quick", "--calls", "300", "--blocks", "2",
            "--warmup-max-ms", "300", "--probe-ms", "20", "--out-dir", out.toString());

        assertEquals(0, exit);
        final JsonNode root = new ObjectMapper().readTree(out.resolve("dsm.json").toFile());
        final Map<String, Double> values = new HashMap<>();
        for (final JsonNode record : root.get("records"))
        {
            assertEquals("ns", record.get("unit").asText(), record.toString());
            values.put(record.get("case").asText() + "/" + record.get("system").asText() + "/" +
                record.get("metric").asText(), record.get("value").asDouble());
        }
        for (final String row : List.of("page-fetch-1/dsm-tcp", "page-fetch-1/raw-tcp-4k", "page-fetch-1024/dsm-tcp",
            "page-fetch-1024/raw-tcp-4k", "noop-rtt/rpcool-dsm-tcp", "noop-rtt/rpcool-tcp-fallback", "noop-rtt/grpc-tcp",
            "pointer-read/rpcool-dsm-tcp"))
        {
            assertTrue(values.getOrDefault(row + "/p50", 0.0) > 0, row + "/p50 in " + values);
        }
        // 1,024 page moves cannot be faster than one, nor 1,024 round trips than one
        assertTrue(values.get("page-fetch-1024/dsm-tcp/p50") > values.get("page-fetch-1/dsm-tcp/p50"), values.toString());
        assertTrue(values.get("page-fetch-1024/raw-tcp-4k/p50") > values.get("page-fetch-1/raw-tcp-4k/p50"), values.toString());
        assertTrue(values.keySet().stream().noneMatch(k -> k.contains("dsm-rdma")), "dsm-rdma is not measured");

        final JsonNode header = root.get("header");
        assertEquals(DsmCases.SUITE, header.get("suite").asText());
        assertEquals(5, header.get("placement_probes").size(), "the fetch pair and four call pairs");
        final String md = Files.readString(out.resolve("dsm.md"));
        assertTrue(md.contains("| page-fetch-1 | dsm-tcp | "), md);
        assertTrue(md.contains("`dsm-rdma`") && md.contains("not measured"), md);
        assertNotNull(ImageIO.read(out.resolve("dsm.png").toFile()));
        assertTrue(Files.exists(out.resolve("tmp/dsm/run1/page-fetch-client.out.log")));
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
            "forked JVMs left running");
    }
}
