package io.rpcool.bench.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One figure of one system in one case, e.g.
 * {@code {"case": "noop-rtt", "system": "java-uds", "metric": "p50", "value": 39000.0, "unit": "ns"}}.
 *
 * @param caseName  the case: {@code <suite>-rtt}, {@code <suite>-throughput} or {@code <suite>-throughput-multi}.
 * @param system    system name.
 * @param metric    {@link #P50}, {@link #P99}, {@link #P999} or {@link #OPS_PER_S}.
 * @param value     median over runs.
 * @param unit      {@link #NS} or {@link #OPS_PER_S_UNIT}.
 */
@JsonPropertyOrder({"case", "system", "metric", "value", "unit"})
public record Record(
    @JsonProperty("case") String caseName,
    @JsonProperty("system") String system,
    @JsonProperty("metric") String metric,
    @JsonProperty("value") double value,
    @JsonProperty("unit") String unit)
{
    public static final String P50 = "p50";
    public static final String P99 = "p99";
    public static final String P999 = "p99.9";
    public static final String OPS_PER_S = "ops_per_s";
    public static final String NS = "ns";
    public static final String OPS_PER_S_UNIT = "ops/s";

    public static String rttCase(final String suite)
    {
        return suite + "-rtt";
    }

    public static String throughputCase(final String suite)
    {
        return suite + "-throughput";
    }

    public static String multiThroughputCase(final String suite)
    {
        return suite + "-throughput-multi";
    }
}
