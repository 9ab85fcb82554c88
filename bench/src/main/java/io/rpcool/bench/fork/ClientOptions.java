package io.rpcool.bench.fork;

import java.util.ArrayList;
import java.util.List;

/**
 * How a client JVM runs its phases, passed as {@code key=value} arguments after the endpoint.
 * <ol>
 *   <li>warm-up: until {@code warmupCalls} calls and {@code warmupMinMs} have passed, or {@code warmupMaxMs};</li>
 *   <li>latency: each round trip timed into a histogram, until {@code measureCalls} calls and
 *       {@code measureMinMs}, or {@code measureMaxMs}; with {@code gapUs} above 0 the calls are issued
 *       open-loop, one every {@code gapUs} µs by intended send time, and each is timed from its
 *       intended send time (a late send counts against the call, no coordinated omission);</li>
 *   <li>throughput: one thread, calls back to back for {@code throughputMs}, timed as one batch;</li>
 *   <li>multi-client throughput: {@code threads} threads, each with its own connection, for
 *       {@code throughputMs} (skipped when {@code threads} is 1).</li>
 * </ol>
 */
public record ClientOptions(
    String suite,
    long warmupCalls,
    long warmupMinMs,
    long warmupMaxMs,
    long measureCalls,
    long measureMinMs,
    long measureMaxMs,
    long throughputMs,
    int threads,
    long gapUs)
{
    public ClientOptions(
        final String suite,
        final long warmupCalls,
        final long warmupMinMs,
        final long warmupMaxMs,
        final long measureCalls,
        final long measureMinMs,
        final long measureMaxMs,
        final long throughputMs,
        final int threads)
    {
        this(suite, warmupCalls, warmupMinMs, warmupMaxMs, measureCalls, measureMinMs, measureMaxMs, throughputMs, threads, 0);
    }

    public ClientOptions
    {
        if (warmupCalls < 0 || measureCalls < 1 || warmupMaxMs < warmupMinMs || measureMaxMs < measureMinMs ||
            throughputMs < 1 || threads < 1 || gapUs < 0)
        {
            throw new IllegalArgumentException("inconsistent client options: " + toArgs());
        }
    }

    public ClientOptions withThreads(final int threads)
    {
        return new ClientOptions(suite, warmupCalls, warmupMinMs, warmupMaxMs, measureCalls, measureMinMs,
            measureMaxMs, throughputMs, threads, gapUs);
    }

    public ClientOptions withCalls(final long warmupCalls, final long measureCalls)
    {
        return new ClientOptions(suite, warmupCalls, warmupMinMs, warmupMaxMs, measureCalls, measureMinMs,
            measureMaxMs, throughputMs, threads, gapUs);
    }

    /** Issue the latency phase's calls open-loop, {@code gapUs} µs apart (0: back to back). */
    public ClientOptions withGapUs(final long gapUs)
    {
        return new ClientOptions(suite, warmupCalls, warmupMinMs, warmupMaxMs, measureCalls, measureMinMs,
            measureMaxMs, throughputMs, threads, gapUs);
    }

    /**
     * @return upper bound on how long the client needs once connected, in milliseconds.
     */
    public long maxDurationMs()
    {
        final long multiMs = threads > 1 ? throughputMs + warmupMaxMs : 0;
        return warmupMaxMs + measureMaxMs + throughputMs + multiMs;
    }

    public List<String> toArgs()
    {
        final List<String> args = new ArrayList<>();
        args.add("suite=" + suite);
        args.add("warmupCalls=" + warmupCalls);
        args.add("warmupMinMs=" + warmupMinMs);
        args.add("warmupMaxMs=" + warmupMaxMs);
        args.add("measureCalls=" + measureCalls);
        args.add("measureMinMs=" + measureMinMs);
        args.add("measureMaxMs=" + measureMaxMs);
        args.add("throughputMs=" + throughputMs);
        args.add("threads=" + threads);
        if (gapUs > 0)
        {
            args.add("gapUs=" + gapUs);
        }
        return args;
    }

    /**
     * @param args  command line of a client main.
     * @param from  index of the first {@code key=value} argument.
     * @return the options; every key but {@code gapUs} (default 0) is required.
     */
    public static ClientOptions parse(final String[] args, final int from)
    {
        String suite = null;
        long gapUs = 0;
        final long[] values = new long[8];
        final boolean[] seen = new boolean[8];
        final String[] keys = {
            "warmupCalls", "warmupMinMs", "warmupMaxMs", "measureCalls", "measureMinMs", "measureMaxMs",
            "throughputMs", "threads"};
        for (int i = from; i < args.length; i++)
        {
            final int eq = args[i].indexOf('=');
            if (eq < 1)
            {
                throw new IllegalArgumentException("expected key=value: " + args[i]);
            }
            final String key = args[i].substring(0, eq);
            final String value = args[i].substring(eq + 1);
            if ("suite".equals(key))
            {
                suite = value;
                continue;
            }
            if ("gapUs".equals(key))
            {
                gapUs = Long.parseLong(value);
                continue;
            }
            final int index = List.of(keys).indexOf(key);
            if (index < 0)
            {
                throw new IllegalArgumentException("unknown client option: " + key);
            }
            values[index] = Long.parseLong(value);
            seen[index] = true;
        }
        for (int i = 0; i < keys.length; i++)
        {
            if (!seen[i])
            {
                throw new IllegalArgumentException("missing client option: " + keys[i]);
            }
        }
        if (suite == null)
        {
            throw new IllegalArgumentException("missing client option: suite");
        }
        return new ClientOptions(suite, values[0], values[1], values[2], values[3], values[4], values[5],
            values[6], Math.toIntExact(values[7]), gapUs);
    }
}
