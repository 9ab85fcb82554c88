package io.rpcool.harness.machine;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Two-thread cache-line ping-pong inside the harness JVM, run before and after each system to tell
 * which placement the host gave the two vCPUs: a round trip is ~120-150 ns when they are "near" and
 * ~460-500 ns when "far", and the mode can change for seconds at a time. Only figures measured in
 * the same mode are comparable.
 * <p>
 * Round trips are timed in batches of {@value #BATCH} so the ~23 ns cost of {@link System#nanoTime()}
 * is not in the figure; the result is the median over batches of the mean round trip per batch.
 */
public final class PlacementProbe
{
    /**
     * A median round trip above this is reported as the far placement mode.
     */
    public static final double FAR_THRESHOLD_NS = 300.0;

    private static final int BATCH = 100; // ~10 µs near, yet bounded when a busy host deschedules a thread
    private static final int PING_INDEX = 0;
    private static final int PONG_INDEX = 16; // 128 bytes from PING_INDEX: separate cache lines, no adjacent-line prefetch

    private final long durationMs;

    public PlacementProbe(final long durationMs)
    {
        this.durationMs = durationMs;
    }

    /**
     * @param p50Ns  median round trip in nanoseconds.
     * @return {@code "near"} or {@code "far"}.
     */
    public static String mode(final double p50Ns)
    {
        return p50Ns > FAR_THRESHOLD_NS ? "far" : "near";
    }

    /**
     * Run the probe; takes about {@code durationMs} plus a short warm-up.
     *
     * @return median cache-line round trip in nanoseconds.
     */
    public double run()
    {
        final AtomicLongArray lines = new AtomicLongArray(PONG_INDEX + 16);
        final Thread ponger = new Thread(() -> pong(lines), "placement-probe-pong");
        ponger.setDaemon(true);
        ponger.start();
        try
        {
            pingFor(lines, 1, Math.max(50, durationMs / 5), null);
            final double[] batchMeans = new double[(int)Math.max(16, durationMs * 200)];
            final int batches = pingFor(lines, 1L << 40, durationMs, batchMeans);
            final double[] used = Arrays.copyOf(batchMeans, batches);
            Arrays.sort(used);
            return used.length == 0 ? Double.NaN : used[used.length / 2];
        }
        finally
        {
            lines.setRelease(PING_INDEX, -1);
            try
            {
                ponger.join(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int pingFor(final AtomicLongArray lines, final long firstSeq, final long ms, final double[] batchMeans)
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long seq = firstSeq;
        int batches = 0;
        while (true)
        {
            final long t0 = System.nanoTime();
            for (int i = 0; i < BATCH; i++)
            {
                lines.setRelease(PING_INDEX, seq);
                while (lines.getAcquire(PONG_INDEX) != seq)
                {
                    Thread.onSpinWait();
                }
                seq++;
            }
            final long t1 = System.nanoTime();
            if (batchMeans != null)
            {
                batchMeans[batches++] = (t1 - t0) / (double)BATCH;
            }
            if (t1 - endNs >= 0 || (batchMeans != null && batches == batchMeans.length))
            {
                return batches;
            }
        }
    }

    private static void pong(final AtomicLongArray lines)
    {
        long last = 0;
        while (true)
        {
            final long seq = lines.getAcquire(PING_INDEX);
            if (seq == -1)
            {
                return;
            }
            if (seq != last)
            {
                lines.setRelease(PONG_INDEX, seq);
                last = seq;
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }
}
