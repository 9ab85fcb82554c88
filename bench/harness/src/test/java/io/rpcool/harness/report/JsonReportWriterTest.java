package io.rpcool.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonReportWriterTest
{
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void shouldWriteRecordsWithExactlyCaseSystemMetricValueUnit() throws Exception
    {
        final JsonNode root = mapper.readTree(JsonReportWriter.toJson(ReportFixtures.twoSystems()));

        final JsonNode first = root.get("records").get(0);
        final List<String> keys = new ArrayList<>();
        first.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("case", "system", "metric", "value", "unit"), keys);
        assertEquals("noop-rtt", first.get("case").asText());
        assertEquals("raw-shm-pingpong", first.get("system").asText());
        assertEquals("p50", first.get("metric").asText());
        assertTrue(first.get("value").isDouble());
        assertEquals(100.0, first.get("value").asDouble());
        assertEquals("ns", first.get("unit").asText());
    }

    @Test
    void shouldUseTheAgreedMetricNamesAndUnits() throws Exception
    {
        final JsonNode records = mapper.readTree(JsonReportWriter.toJson(ReportFixtures.twoSystems())).get("records");

        final List<String> seen = new ArrayList<>();
        for (final JsonNode record : records)
        {
            seen.add(record.get("case").asText() + "/" + record.get("metric").asText() + "/" + record.get("unit").asText());
        }
        assertTrue(seen.contains("noop-rtt/p50/ns"));
        assertTrue(seen.contains("noop-rtt/p99/ns"));
        assertTrue(seen.contains("noop-rtt/p99.9/ns"));
        assertTrue(seen.contains("noop-throughput/ops_per_s/ops/s"));
        assertTrue(seen.contains("noop-throughput-multi/ops_per_s/ops/s"));
    }

    @Test
    void shouldWriteHeaderWithMachineRunAndProbeFigures() throws Exception
    {
        final JsonNode header = mapper.readTree(JsonReportWriter.toJson(ReportFixtures.twoSystems())).get("header");

        for (final String key : List.of("jdk", "vm", "cpu_model", "cores", "date", "quick", "runs", "client_threads",
            "reference", "probe_ms", "probe_far_threshold_ns", "placement_probes", "note"))
        {
            assertTrue(header.has(key), "header lacks " + key);
        }
        assertEquals("AMD EPYC", header.get("cpu_model").asText());
        assertEquals(2, header.get("cores").asInt());
        assertTrue(header.get("quick").asBoolean());
        final JsonNode probe = header.get("placement_probes").get(1);
        assertEquals("java-uds", probe.get("system").asText());
        assertEquals(139.0, probe.get("before_p50_ns").asDouble());
        assertEquals(488.0, probe.get("after_p50_ns").asDouble());
        assertEquals("far", probe.get("after_mode").asText());
        assertEquals(12.0, probe.get("foreign_cpu_pct").asDouble());
    }

    @Test
    void shouldReadBackWhatItWrote(@TempDir final Path dir) throws Exception
    {
        final BenchReport report = ReportFixtures.twoSystems();
        final Path file = dir.resolve("noop.json");

        JsonReportWriter.write(report, file);

        assertEquals(report, JsonReportWriter.read(file));
    }

    @Test
    void shouldLeaveOutHeaderFieldsASuiteDoesNotHave(@TempDir final Path dir) throws Exception
    {
        final Header header = new Header("alloc", "17.0.15", "vm", "AMD EPYC", 2, "2025-01-01T00:00:00Z", true, 1,
            null, null, null, null, List.of(), "note");
        final BenchReport report = new BenchReport(header,
            List.of(new Record("alloc-noop-call-client", "rpcool-shm-relaxed", Record.ALLOC_BYTES_PER_OP, 0.0,
                Record.BYTES_PER_OP)));

        final JsonNode json = mapper.readTree(JsonReportWriter.toJson(report)).get("header");

        for (final String key : List.of("client_threads", "reference", "probe_ms", "probe_far_threshold_ns"))
        {
            assertTrue(!json.has(key), "header has " + key + ": " + json);
        }
        assertEquals(2, json.get("cores").asInt());
        final Path file = dir.resolve("alloc.json");
        JsonReportWriter.write(report, file);
        assertEquals(report, JsonReportWriter.read(file));
    }
}
