package io.rpcool.bench.ops;

import io.rpcool.harness.report.Medians;
import io.rpcool.harness.report.Record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the runs of the {@code ops} suite into records: for every case and system, the median over
 * the successful runs of p50, p99 and operations per second.
 */
public final class OpsReportBuilder
{
    private OpsReportBuilder()
    {
    }

    /**
     * @param runs  results of the runs that succeeded.
     * @return records in case order ({@link OpsCases#ALL}), then in the order the client measured them.
     */
    public static List<Record> records(final List<OpsResult> runs)
    {
        final Map<String, List<OpsCaseResult>> byCase = new LinkedHashMap<>();
        for (final String caseName : OpsCases.ALL)
        {
            for (final OpsResult run : runs)
            {
                for (final OpsCaseResult result : run.cases())
                {
                    if (result.caseName().equals(caseName))
                    {
                        byCase.computeIfAbsent(caseName + "\n" + result.system(), k -> new ArrayList<>()).add(result);
                    }
                }
            }
        }
        for (final OpsResult run : runs)
        {
            for (final OpsCaseResult result : run.cases())
            {
                if (!OpsCases.ALL.contains(result.caseName()))
                {
                    byCase.computeIfAbsent(result.caseName() + "\n" + result.system(), k -> new ArrayList<>()).add(result);
                }
            }
        }

        final List<Record> records = new ArrayList<>();
        for (final List<OpsCaseResult> results : byCase.values())
        {
            final String caseName = results.get(0).caseName();
            final String system = results.get(0).system();
            records.add(new Record(caseName, system, Record.P50, median(results, OpsCaseResult::p50Ns), Record.NS));
            records.add(new Record(caseName, system, Record.P99, median(results, OpsCaseResult::p99Ns), Record.NS));
            records.add(new Record(caseName, system, Record.OPS_PER_S, median(results, OpsCaseResult::opsPerS),
                Record.OPS_PER_S_UNIT));
        }
        return records;
    }

    private static double median(final List<OpsCaseResult> results, final ToDoubleFunction<OpsCaseResult> metric)
    {
        return Medians.of(results.stream().mapToDouble(metric).toArray());
    }
}
