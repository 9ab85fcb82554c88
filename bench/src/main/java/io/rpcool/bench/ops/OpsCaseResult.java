package io.rpcool.bench.ops;

/**
 * What the {@code ops} client measured for one case and system.
 *
 * @param caseName    case, e.g. {@code ops-connect}.
 * @param system      {@code rpcool} or {@code java-heap}.
 * @param p50Ns       median time of one operation.
 * @param p99Ns       99th percentile.
 * @param meanNs      mean.
 * @param maxNs       slowest sample.
 * @param samples     timed samples (for one-page copies each sample is a batch, recorded as its mean per copy).
 * @param operations  operations in the samples.
 * @param opsPerS     operations per second of time spent in them.
 */
public record OpsCaseResult(
    String caseName,
    String system,
    double p50Ns,
    double p99Ns,
    double meanNs,
    double maxNs,
    long samples,
    long operations,
    double opsPerS)
{
}
