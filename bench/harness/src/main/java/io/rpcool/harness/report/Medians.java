package io.rpcool.harness.report;

import java.util.Arrays;

/**
 * Record values are medians over runs; this is the one definition of the median they use.
 */
public final class Medians
{
    private Medians()
    {
    }

    /**
     * @param values  values; not empty.
     * @return the median; the mean of the middle two for an even count.
     */
    public static double of(final double... values)
    {
        if (values.length == 0)
        {
            throw new IllegalArgumentException("no values");
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
