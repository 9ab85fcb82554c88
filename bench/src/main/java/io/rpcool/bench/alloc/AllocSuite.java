package io.rpcool.bench.alloc;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@code alloc} suite for quick and full runs.
 *
 * @param shmWarmupCalls       calls before the per-thread window, shared memory.
 * @param shmCalls             calls in the per-thread window, shared memory.
 * @param tcpWarmupCalls       calls before the per-thread window, TCP fallback (each is a loopback round trip).
 * @param tcpCalls             calls in the per-thread window, TCP fallback.
 * @param jmhWarmupIterations  JMH warm-up iterations per fork.
 * @param jmhWarmupMs          length of each.
 * @param jmhIterations        JMH measured iterations per fork.
 * @param jmhIterationMs       length of each.
 * @param jmhForks             JMH forks per transport.
 */
public record AllocSuite(
    long shmWarmupCalls,
    long shmCalls,
    long tcpWarmupCalls,
    long tcpCalls,
    int jmhWarmupIterations,
    long jmhWarmupMs,
    int jmhIterations,
    long jmhIterationMs,
    int jmhForks)
{
    public static final String NAME = "alloc";

    /**
     * A path that allocates less than this per call, averaged over the window, counts as allocation-free:
     * a few bytes over the whole window (a lazily initialised field, a counter read) stay below it.
     */
    public static final double ALLOCATION_FREE_BYTES_PER_OP = 1.0;

    /** Bytes per call of the client thread(s), counted per thread. */
    public static final String CLIENT_CASE = "alloc-noop-call-client";
    /** Bytes per call of the server thread(s), counted per thread. */
    public static final String SERVER_CASE = "alloc-noop-call-server";
    /** Bytes per call of every other thread of the process over the same window. */
    public static final String OTHER_CASE = "alloc-noop-call-other";
    /** Bytes per call of all threads: JMH's {@code gc.alloc.rate.norm}. */
    public static final String TOTAL_CASE = "alloc-noop-call-total";
    /** Calls per second of JMH's one benchmark thread, in-process. */
    public static final String CALL_CASE = "alloc-noop-call";

    /**
     * @param quick  whether a short smoke run was asked for.
     * @return the settings.
     */
    public static AllocSuite settings(final boolean quick)
    {
        if (quick)
        {
            return new AllocSuite(50_000, 100_000, 10_000, 20_000, 3, 1_000, 3, 1_000, 1);
        }
        return new AllocSuite(200_000, 1_000_000, 50_000, 100_000, 5, 2_000, 5, 2_000, 2);
    }

    /**
     * @param quick  whether a short smoke run was asked for.
     * @return per-thread runs (a fresh JVM per transport each) when {@code --runs} is not given.
     */
    public static int defaultRuns(final boolean quick)
    {
        return 3;
    }

    /**
     * @param kind  transport.
     * @return arguments of {@link AllocationProbeMain}.
     */
    public List<String> probeArgs(final NoopCallFixture.Kind kind)
    {
        final boolean shm = kind == NoopCallFixture.Kind.SHM;
        final List<String> args = new ArrayList<>();
        args.add("transport=" + kind.name().toLowerCase(java.util.Locale.ROOT));
        args.add("warmupCalls=" + (shm ? shmWarmupCalls : tcpWarmupCalls));
        args.add("calls=" + (shm ? shmCalls : tcpCalls));
        return args;
    }

    /**
     * @param transports  transports to run, e.g. {@code shm,tcp}.
     * @return arguments of {@link AllocJmhMain}.
     */
    public List<String> jmhArgs(final String transports)
    {
        return List.of("transports=" + transports, "warmupIterations=" + jmhWarmupIterations, "warmupMs=" + jmhWarmupMs,
            "iterations=" + jmhIterations, "iterationMs=" + jmhIterationMs, "forks=" + jmhForks);
    }

    /**
     * @param transports  how many transports JMH runs.
     * @return upper bound on JMH's measuring time in milliseconds, JVM start-up excluded.
     */
    public long jmhDurationMs(final int transports)
    {
        return (long)transports * jmhForks * (jmhWarmupIterations * jmhWarmupMs + jmhIterations * jmhIterationMs);
    }
}
