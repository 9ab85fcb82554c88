package io.rpcool.bench.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Iteration counts of the {@code ops} client, passed as {@code key=value} arguments after the
 * endpoint. Every phase, warm-up or measured, stops at its count or after {@code phaseMaxMs},
 * whichever comes first (a measured phase records at least one sample).
 *
 * @param connectWarmup    connections opened and closed before timing.
 * @param connectSamples   connections timed.
 * @param channelWarmup    channels opened and closed before timing.
 * @param channelSamples   channels timed (each gives one create and one destroy sample).
 * @param pageCopyWarmup   batches of {@link OpsClient#PAGE_COPY_BATCH} one-page copies before timing, per system.
 * @param pageCopySamples  batches timed, per system.
 * @param bigCopyWarmup    1024-page copies before timing, per system.
 * @param bigCopySamples   1024-page copies timed, per system.
 * @param phaseMaxMs       bound on each phase.
 */
public record OpsOptions(
    int connectWarmup,
    int connectSamples,
    int channelWarmup,
    int channelSamples,
    int pageCopyWarmup,
    int pageCopySamples,
    int bigCopyWarmup,
    int bigCopySamples,
    long phaseMaxMs)
{
    /**
     * Phases the client runs: connect, channels, and a warm-up and a measurement per copy case and system.
     */
    static final int PHASES = 2 + 2 + 4 * 2;

    public OpsOptions
    {
        if (connectWarmup < 0 || connectSamples < 1 || channelWarmup < 0 || channelSamples < 1 || pageCopyWarmup < 0 ||
            pageCopySamples < 1 || bigCopyWarmup < 0 || bigCopySamples < 1 || phaseMaxMs < 1)
        {
            throw new IllegalArgumentException("inconsistent ops options: " + toArgs());
        }
    }

    /**
     * @return upper bound on how long the client needs once connected, in milliseconds.
     */
    public long maxDurationMs()
    {
        return PHASES * phaseMaxMs;
    }

    private Map<String, Long> values()
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        values.put("connectWarmup", (long)connectWarmup);
        values.put("connectSamples", (long)connectSamples);
        values.put("channelWarmup", (long)channelWarmup);
        values.put("channelSamples", (long)channelSamples);
        values.put("pageCopyWarmup", (long)pageCopyWarmup);
        values.put("pageCopySamples", (long)pageCopySamples);
        values.put("bigCopyWarmup", (long)bigCopyWarmup);
        values.put("bigCopySamples", (long)bigCopySamples);
        values.put("phaseMaxMs", phaseMaxMs);
        return values;
    }

    public List<String> toArgs()
    {
        final List<String> args = new ArrayList<>();
        values().forEach((key, value) -> args.add(key + "=" + value));
        return args;
    }

    /**
     * @param args  command line of the client main.
     * @param from  index of the first {@code key=value} argument.
     * @return the options; every key is required.
     */
    public static OpsOptions parse(final String[] args, final int from)
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++)
        {
            final int eq = args[i].indexOf('=');
            if (eq < 1)
            {
                throw new IllegalArgumentException("expected key=value: " + args[i]);
            }
            values.put(args[i].substring(0, eq), Long.parseLong(args[i].substring(eq + 1)));
        }
        final List<String> keys = new ArrayList<>(new OpsOptions(0, 1, 0, 1, 0, 1, 0, 1, 1).values().keySet());
        for (final String key : values.keySet())
        {
            if (!keys.contains(key))
            {
                throw new IllegalArgumentException("unknown ops option: " + key);
            }
        }
        for (final String key : keys)
        {
            if (!values.containsKey(key))
            {
                throw new IllegalArgumentException("missing ops option: " + key);
            }
        }
        return new OpsOptions(
            Math.toIntExact(values.get("connectWarmup")),
            Math.toIntExact(values.get("connectSamples")),
            Math.toIntExact(values.get("channelWarmup")),
            Math.toIntExact(values.get("channelSamples")),
            Math.toIntExact(values.get("pageCopyWarmup")),
            Math.toIntExact(values.get("pageCopySamples")),
            Math.toIntExact(values.get("bigCopyWarmup")),
            Math.toIntExact(values.get("bigCopySamples")),
            values.get("phaseMaxMs"));
    }
}
