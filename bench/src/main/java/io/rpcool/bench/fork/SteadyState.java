package io.rpcool.bench.fork;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Tells when a warm-up has reached steady state: round trips are grouped into windows (a number of
 * calls or a time span, whichever ends first), and the warm-up has settled once the medians of the
 * last {@link #WINDOWS} windows lie within {@code tolerance} of each other. A fixed call count alone
 * is not enough: a system whose JIT needs many more calls than the count (gRPC's, on a busy machine)
 * would be measured half-compiled, and a short run would disagree with a long one.
 * <p>
 * One instance per warm-up thread; {@link #record(long, long)} allocates nothing.
 */
public final class SteadyState
{
    /** Consecutive windows whose medians must agree. */
    public static final int WINDOWS = 3;

    private final Histogram window = new Histogram(ClientSupport.HIGHEST_TRACKABLE_NS, 2);
    private final long[] medians = new long[WINDOWS];
    private final int windowCalls;
    private final long windowNs;
    private final double tolerance;
    private long windowStartNs;
    private int windowsSeen;

    /**
     * @param windowCalls calls that close a window.
     * @param windowMs    time that closes a window, for systems too slow to reach {@code windowCalls}.
     * @param tolerance   largest relative spread of the window medians that counts as settled, such as 0.1.
     */
    public SteadyState(final int windowCalls, final long windowMs, final double tolerance)
    {
        if (windowCalls < 1 || windowMs < 1 || tolerance <= 0)
        {
            throw new IllegalArgumentException(
                "windowCalls and windowMs must be positive and tolerance above 0: " + windowCalls + ", " + windowMs +
                ", " + tolerance);
        }
        this.windowCalls = windowCalls;
        this.windowNs = TimeUnit.MILLISECONDS.toNanos(windowMs);
        this.tolerance = tolerance;
    }

    /** A warm-up with the project's defaults: windows of 2,000 calls or 250 ms, medians within 10 %. */
    public static SteadyState standard()
    {
        return new SteadyState(2_000, 250, 0.10);
    }

    /**
     * Records one round trip.
     *
     * @param latencyNs the round trip.
     * @param nowNs     {@link System#nanoTime()} at its end.
     * @return true once the last {@link #WINDOWS} windows agree.
     */
    public boolean record(final long latencyNs, final long nowNs)
    {
        if (window.getTotalCount() == 0)
        {
            windowStartNs = nowNs - latencyNs;
        }
        window.recordValue(Math.max(1, Math.min(latencyNs, ClientSupport.HIGHEST_TRACKABLE_NS)));
        if (window.getTotalCount() < windowCalls && nowNs - windowStartNs < windowNs)
        {
            return false;
        }
        medians[windowsSeen % WINDOWS] = window.getValueAtPercentile(50.0);
        windowsSeen++;
        window.reset();
        return settled();
    }

    /** Whether the last {@link #WINDOWS} closed windows have medians within the tolerance of each other. */
    public boolean settled()
    {
        if (windowsSeen < WINDOWS)
        {
            return false;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (final long median : medians)
        {
            min = Math.min(min, median);
            max = Math.max(max, median);
        }
        return max <= min * (1.0 + tolerance);
    }

    /** Windows closed so far. */
    public int windows()
    {
        return windowsSeen;
    }
}
