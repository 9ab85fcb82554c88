package io.rpcool.bench.alloc;

import io.rpcool.harness.report.Medians;
import io.rpcool.harness.report.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Turns the {@code alloc} measurements into records: per system, the median over runs of the
 * per-thread counts (client, server, other threads) and JMH's all-thread count and call rate.
 */
public final class AllocReportBuilder
{
    private AllocReportBuilder()
    {
    }

    /**
     * @param systems  systems in record order.
     * @param probes   per-thread results of the runs that succeeded.
     * @param jmh      JMH's result, {@code null} if it was not run or failed.
     * @return the records.
     */
    public static List<Record> records(final List<String> systems, final List<AllocationProbe.Result> probes,
        final JmhResult jmh)
    {
        final List<Record> records = new ArrayList<>();
        for (final String system : systems)
        {
            final List<AllocationProbe.Result> runs = probes.stream().filter(p -> p.system().equals(system)).toList();
            if (!runs.isEmpty())
            {
                records.add(bytes(AllocSuite.CLIENT_CASE, system, median(runs, AllocationProbe.Result::clientBytesPerOp)));
                records.add(bytes(AllocSuite.SERVER_CASE, system, median(runs, AllocationProbe.Result::serverBytesPerOp)));
                records.add(bytes(AllocSuite.OTHER_CASE, system, median(runs, AllocationProbe.Result::otherBytesPerOp)));
            }
            if (jmh != null)
            {
                for (final JmhResult.Entry entry : jmh.entries())
                {
                    if (entry.system().equals(system))
                    {
                        records.add(bytes(AllocSuite.TOTAL_CASE, system, entry.allocBytesPerOp()));
                        records.add(new Record(AllocSuite.CALL_CASE, system, Record.OPS_PER_S, entry.opsPerS(),
                            Record.OPS_PER_S_UNIT));
                    }
                }
            }
        }
        return records;
    }

    private static Record bytes(final String caseName, final String system, final double value)
    {
        return new Record(caseName, system, Record.ALLOC_BYTES_PER_OP, value, Record.BYTES_PER_OP);
    }

    private static double median(final List<AllocationProbe.Result> runs,
        final ToDoubleFunction<AllocationProbe.Result> metric)
    {
        return Medians.of(runs.stream().mapToDouble(metric).toArray());
    }
}
