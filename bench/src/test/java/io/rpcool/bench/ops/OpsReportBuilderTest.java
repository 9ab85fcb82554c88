package io.rpcool.bench.ops;

import io.rpcool.harness.report.Record;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpsReportBuilderTest
{
    @Test
    void shouldRecordTheMedianOverRunsOfP50P99AndRateForEveryCaseAndSystem()
    {
        final List<Record> records = OpsReportBuilder.records(List.of(
            OpsFixtures.run(1.0), OpsFixtures.run(3.0), OpsFixtures.run(2.0)));

        assertEquals(7 * 3, records.size());
        assertTrue(records.contains(new Record(OpsCases.CONNECT, OpsCases.RPCOOL, Record.P50, 1_000_000.0, Record.NS)));
        assertTrue(records.contains(new Record(OpsCases.CONNECT, OpsCases.RPCOOL, Record.P99, 8_000_000.0, Record.NS)));
        assertTrue(records.contains(
            new Record(OpsCases.CONNECT, OpsCases.RPCOOL, Record.OPS_PER_S, 700.0, Record.OPS_PER_S_UNIT)));
        assertTrue(records.contains(
            new Record(OpsCases.MEMCPY_1_PAGE, OpsCases.JAVA_HEAP, Record.P50, 72.0, Record.NS)));
    }

    @Test
    void shouldListCasesInTableOrderWithTheSharedMemoryRowBeforeItsBaseline()
    {
        final List<Record> records = OpsReportBuilder.records(List.of(OpsFixtures.run(1.0)));

        final List<String> rows = records.stream().map(r -> r.caseName() + "/" + r.system()).distinct().toList();
        assertEquals(List.of(
            "ops-connect/rpcool",
            "ops-create-channel/rpcool",
            "ops-destroy-channel/rpcool",
            "ops-memcpy-1-page/rpcool",
            "ops-memcpy-1-page/java-heap",
            "ops-memcpy-1024-pages/rpcool",
            "ops-memcpy-1024-pages/java-heap"), rows);
    }

    @Test
    void shouldRecordNothingWithoutSuccessfulRuns()
    {
        assertTrue(OpsReportBuilder.records(List.of()).isEmpty());
    }
}
