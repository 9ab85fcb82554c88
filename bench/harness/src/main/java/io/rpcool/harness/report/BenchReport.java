package io.rpcool.harness.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Contents of {@code <suite>.json}: a header and the median figures.
 *
 * @param header   where and how the suite ran.
 * @param records  one entry per system, case and metric.
 */
public record BenchReport(Header header, List<Record> records)
{
    public static final String RAW_SHM_REFERENCE = "raw-shm-pingpong";
    public static final String RPCOOL_REFERENCE = "rpcool-shm-relaxed";

    /**
     * @return systems that have at least one record, in record order.
     */
    public List<String> systems()
    {
        final Set<String> systems = new LinkedHashSet<>();
        for (final Record record : records)
        {
            systems.add(record.system());
        }
        return new ArrayList<>(systems);
    }

    /**
     * @param caseName  case.
     * @param system    system.
     * @param metric    metric.
     * @return the value, if recorded.
     */
    public Optional<Double> value(final String caseName, final String system, final String metric)
    {
        for (final Record record : records)
        {
            if (record.caseName().equals(caseName) && record.system().equals(system) && record.metric().equals(metric))
            {
                return Optional.of(record.value());
            }
        }
        return Optional.empty();
    }

    /**
     * @param requested  explicitly requested reference, or {@code null}.
     * @param systems    systems with results.
     * @return {@code requested} if given, else {@value #RPCOOL_REFERENCE} when it has results, else
     * {@value #RAW_SHM_REFERENCE}.
     */
    public static String chooseReference(final String requested, final List<String> systems)
    {
        if (requested != null && !requested.isBlank())
        {
            return requested;
        }
        return systems.contains(RPCOOL_REFERENCE) ? RPCOOL_REFERENCE : RAW_SHM_REFERENCE;
    }
}
