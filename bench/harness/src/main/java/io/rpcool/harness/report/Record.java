package io.rpcool.harness.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One figure of one system in one case, e.g.
 * {@code {"case": "noop-rtt", "system": "java-uds", "metric": "p50", "value": 39000.0, "unit": "ns"}}.
 *
 * @param caseName  the case: {@code <suite>-rtt} ({@code <suite>-rtt-loaded} under load, with metrics {@code gap_us}
 *                  and {@code load} beside the latencies), {@code <suite>-throughput} or {@code <suite>-throughput-multi} for
 *                  round-trip suites, one case per operation for {@code ops} (e.g. {@code ops-connect}), one per
 *                  side of the call for {@code alloc} (e.g. {@code alloc-noop-call-client}).
 * @param system    system name.
 * @param metric    {@link #P50}, {@link #P99}, {@link #P999}, {@link #OPS_PER_S} or {@link #ALLOC_BYTES_PER_OP}.
 * @param value     median over runs.
 * @param unit      {@link #NS}, {@link #OPS_PER_S_UNIT} or {@link #BYTES_PER_OP}.
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
    public static final String ALLOC_BYTES_PER_OP = "alloc_bytes_per_op";
    public static final String NS = "ns";
    public static final String OPS_PER_S_UNIT = "ops/s";
    public static final String BYTES_PER_OP = "B/op";

    /** Suffix of a suite run under load ({@code noop-loaded}), whose round trips are case {@code noop-rtt-loaded}. */
    public static final String LOADED_SUFFIX = "-loaded";

    public static String rttCase(final String suite)
    {
        if (suite.endsWith(LOADED_SUFFIX))
        {
            return suite.substring(0, suite.length() - LOADED_SUFFIX.length()) + "-rtt" + LOADED_SUFFIX;
        }
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
