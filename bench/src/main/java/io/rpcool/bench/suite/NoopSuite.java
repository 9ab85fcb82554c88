package io.rpcool.bench.suite;

import io.rpcool.bench.fork.ClientOptions;

/**
 * No-op RPC: an 8-byte request answered by an 8-byte echo (or an empty message where the system
 * has no raw payload), measuring the transport's own round trip.
 */
public final class NoopSuite implements Suite
{
    public static final String NAME = "noop";

    /**
     * Multi-client case: client threads, each with its own connection.
     */
    public static final int DEFAULT_CLIENT_THREADS = 4;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String description()
    {
        return "No-op RPC: 8-byte echo round trips, one call outstanding, and throughput.";
    }

    @Override
    public ClientOptions clientOptions(final boolean quick)
    {
        if (quick)
        {
            // a short run: the warm-up goes on until the round trips are steady (up to 8 s, for gRPC's JIT),
            // so the measured figures agree with the full run's; the measured phases are shorter
            return new ClientOptions(NAME, 10_000, 500, 8_000, 20_000, 300, 2_000, 500, DEFAULT_CLIENT_THREADS);
        }
        // at least 100k warm-up calls and steady round trips; time bounds keep the slow systems within ~45 s each
        return new ClientOptions(NAME, 100_000, 2_000, 15_000, 200_000, 2_000, 20_000, 3_000, DEFAULT_CLIENT_THREADS);
    }

    @Override
    public int defaultRuns(final boolean quick)
    {
        return 3;
    }
}
