package io.rpcool.examples.cooldb.bench;

import java.util.List;
import java.util.Map;

/**
 * What one client run of the CoolDB workload measured: the {@code RESULT} line a client JVM prints.
 *
 * @param system   system name.
 * @param docs     documents in the build phase.
 * @param queries  queries in the search phase.
 * @param buildMs  time to insert the documents one call each.
 * @param searchMs time to run the queries, each result read once by the client.
 * @param bulkMs   time of Q12, the bulk insert of the extra objects in one call.
 * @param bulkDocs documents Q12 added.
 * @param digest   sum of the results' digests (equal for every system given the same data and queries).
 * @param perQuery one entry per query type that ran.
 * @param waitingModes for RPCool, the share (%) of the run its client spent in each waiting mode.
 */
public record WorkloadResult(
    String system,
    long docs,
    int queries,
    double buildMs,
    double searchMs,
    double bulkMs,
    int bulkDocs,
    long digest,
    List<QueryStats> perQuery,
    Map<String, Double> waitingModes)
{
    /**
     * @param id     query type, 1 to 11.
     * @param count  how many ran.
     * @param timeMs their total time.
     * @param rows   their total rows.
     * @param digest sum of their results' digests.
     */
    public record QueryStats(int id, int count, double timeMs, long rows, long digest)
    {
    }

    /** Prefix of the line that carries the result. */
    public static final String PREFIX = "RESULT ";
}
