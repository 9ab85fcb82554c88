package io.rpcool.bench.alloc;

import io.rpcool.harness.report.Record;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocReportBuilderTest
{
    private static Record bytes(final String caseName, final String system, final double value)
    {
        return new Record(caseName, system, Record.ALLOC_BYTES_PER_OP, value, Record.BYTES_PER_OP);
    }

    @Test
    void shouldRecordMedianBytesPerCallOfEachSideAndJmhsAllThreadFigure()
    {
        final List<Record> records = AllocReportBuilder.records(AllocFixtures.SYSTEMS, List.of(
            AllocFixtures.probe(AllocFixtures.TCP, 1000, 130_000, 70_000, 30_000),
            AllocFixtures.probe(AllocFixtures.TCP, 1000, 140_000, 60_000, 40_000),
            AllocFixtures.probe(AllocFixtures.TCP, 1000, 120_000, 65_000, 10_000),
            AllocFixtures.probe(AllocFixtures.SHM, 100_000, 0, 0, 400)), AllocFixtures.jmh());

        assertEquals(List.of(
            bytes(AllocSuite.CLIENT_CASE, AllocFixtures.SHM, 0.0),
            bytes(AllocSuite.SERVER_CASE, AllocFixtures.SHM, 0.0),
            bytes(AllocSuite.OTHER_CASE, AllocFixtures.SHM, 0.004),
            bytes(AllocSuite.TOTAL_CASE, AllocFixtures.SHM, 0.16),
            new Record(AllocSuite.CALL_CASE, AllocFixtures.SHM, Record.OPS_PER_S, 4.6e6, Record.OPS_PER_S_UNIT),
            bytes(AllocSuite.CLIENT_CASE, AllocFixtures.TCP, 130.0),
            bytes(AllocSuite.SERVER_CASE, AllocFixtures.TCP, 65.0),
            bytes(AllocSuite.OTHER_CASE, AllocFixtures.TCP, 30.0),
            bytes(AllocSuite.TOTAL_CASE, AllocFixtures.TCP, 267.0),
            new Record(AllocSuite.CALL_CASE, AllocFixtures.TCP, Record.OPS_PER_S, 8.5e3, Record.OPS_PER_S_UNIT)),
            records);
    }

    @Test
    void shouldLeaveOutWhatWasNotMeasured()
    {
        final List<Record> records = AllocReportBuilder.records(AllocFixtures.SYSTEMS,
            List.of(AllocFixtures.probe(AllocFixtures.SHM, 100, 0, 0, 0)), null);

        assertEquals(3, records.size());
        assertTrue(records.stream().allMatch(r -> r.system().equals(AllocFixtures.SHM)));
        assertTrue(records.stream().allMatch(r -> r.unit().equals("B/op") && r.metric().equals("alloc_bytes_per_op")));
    }
}
