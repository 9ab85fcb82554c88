package io.rpcool.bench.report;

import io.rpcool.bench.fork.ClientResult;
import io.rpcool.harness.report.Medians;
import io.rpcool.harness.report.Record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the runs of a suite into records: for every system, the median over its successful runs of
 * each metric.
 */
public final class ReportBuilder
{
    private ReportBuilder()
    {
    }

    /**
     * @param suite        suite name, the prefix of every case.
     * @param systemOrder  systems in the order records should list them.
     * @param runs         all system runs.
     * @return the records.
     */
    public static List<Record> records(final String suite, final List<String> systemOrder, final List<SystemRun> runs)
    {
        final Map<String, List<ClientResult>> bySystem = new LinkedHashMap<>();
        for (final String system : systemOrder)
        {
            bySystem.put(system, new ArrayList<>());
        }
        for (final SystemRun run : runs)
        {
            if (run.result() != null)
            {
                bySystem.computeIfAbsent(run.system(), k -> new ArrayList<>()).add(run.result());
            }
        }

        final List<Record> records = new ArrayList<>();
        for (final Map.Entry<String, List<ClientResult>> entry : bySystem.entrySet())
        {
            final String system = entry.getKey();
            final List<ClientResult> results = entry.getValue();
            if (results.isEmpty())
            {
                continue;
            }
            final String rtt = Record.rttCase(suite);
            records.add(new Record(rtt, system, Record.P50, median(results, ClientResult::p50Ns), Record.NS));
            records.add(new Record(rtt, system, Record.P99, median(results, ClientResult::p99Ns), Record.NS));
            records.add(new Record(rtt, system, Record.P999, median(results, ClientResult::p999Ns), Record.NS));
            records.add(new Record(Record.throughputCase(suite), system, Record.OPS_PER_S,
                median(results, ClientResult::opsPerS), Record.OPS_PER_S_UNIT));
            final List<ClientResult> multi = results.stream().filter(r -> r.multiOpsPerS() != null).toList();
            if (!multi.isEmpty())
            {
                records.add(new Record(Record.multiThroughputCase(suite), system, Record.OPS_PER_S,
                    median(multi, ClientResult::multiOpsPerS), Record.OPS_PER_S_UNIT));
            }
        }
        return records;
    }

    private static double median(final List<ClientResult> results, final ToDoubleFunction<ClientResult> metric)
    {
        return Medians.of(results.stream().mapToDouble(metric).toArray());
    }
}
