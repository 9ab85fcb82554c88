package io.rpcool.bench.fork;

/**
 * What a client JVM measured, sent to the harness as the JSON of a {@code RESULT} line
 * (snake_case keys: {@code p50_ns}, {@code p99_ns}, {@code p999_ns}, ...).
 *
 * @param p50Ns         median round trip, one call outstanding.
 * @param p99Ns         99th percentile round trip.
 * @param p999Ns        99.9th percentile round trip.
 * @param maxNs         slowest round trip.
 * @param meanNs        mean round trip.
 * @param samples       round trips recorded.
 * @param opsPerS       calls per second from one client thread over the throughput window.
 * @param multiThreads  client threads in the multi-client window, 0 if it was not run.
 * @param multiOpsPerS  calls per second summed over all client threads, {@code null} if not run.
 */
public record ClientResult(
    double p50Ns,
    double p99Ns,
    double p999Ns,
    double maxNs,
    double meanNs,
    long samples,
    double opsPerS,
    int multiThreads,
    Double multiOpsPerS)
{
}
