package io.rpcool.dsm;

import java.util.SplittableRandom;

/**
 * Both sides increment their own word on random pages at once: words of the two sides share
 * pages, so the pages bounce, and a store lost while a page moved shows as a wrong sum.
 * Side {@code slot} owns the word at offset {@code slot * 8} of every page.
 */
final class Counters
{
    private Counters()
    {
    }

    static void increment(final DsmHeap heap, final long seed, final int steps, final int slot, final int pages)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < steps; i++)
        {
            final long at = heap.address() + random.nextInt(pages) * DsmHeap.PAGE_SIZE + slot * 8L;
            heap.putLong(at, heap.getLong(at) + 1);
        }
    }

    /** What side {@code slot}'s word of each page must hold after {@link #increment}. */
    static long[] expected(final long seed, final int steps, final int pages)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] counts = new long[pages];
        for (int i = 0; i < steps; i++)
        {
            counts[random.nextInt(pages)]++;
        }
        return counts;
    }
}
