package io.rpcool.examples.cooldb.store;

import java.util.Arrays;

/**
 * Range index of integer values. Inserts append; the first range query after an insert sorts (a
 * build then queries costs one sort). Values and document ids are packed into one {@code long} per
 * entry, {@code value << 24 | docId}, while every value fits 39 signed bits and every id 24 bits;
 * otherwise entries are sorted through an index permutation.
 */
final class RangeIndex
{
    private static final int DOC_BITS = 24;
    private static final long MAX_PACKED_VALUE = (1L << (63 - DOC_BITS)) - 1;
    private static final long MIN_PACKED_VALUE = -(1L << (63 - DOC_BITS));

    private long[] values = new long[64];
    private int[] docs = new int[64];
    private int size;
    private boolean packable = true;
    private boolean sorted = true;
    private long[] packed = new long[0];
    private int[] order = new int[0];

    void add(final long value, final int docId)
    {
        if (size == values.length)
        {
            values = Arrays.copyOf(values, size * 2);
            docs = Arrays.copyOf(docs, size * 2);
        }
        values[size] = value;
        docs[size] = docId;
        size++;
        packable &= value >= MIN_PACKED_VALUE && value <= MAX_PACKED_VALUE && docId < (1 << DOC_BITS);
        sorted = false;
    }

    /**
     * @return ids of the documents whose value lies in {@code [lo, hi]}, by value, then id.
     */
    int[] lookup(final long lo, final long hi)
    {
        if (lo > hi)
        {
            return new int[0];
        }
        sort();
        if (packable)
        {
            final long from = pack(Math.max(lo, MIN_PACKED_VALUE), 0);
            final long to = pack(Math.min(hi, MAX_PACKED_VALUE), (1 << DOC_BITS) - 1);
            final int start = lowerBound(packed, from);
            final int end = to == Long.MAX_VALUE ? packed.length : lowerBound(packed, to + 1);
            final int[] result = new int[Math.max(0, end - start)];
            for (int i = 0; i < result.length; i++)
            {
                result[i] = (int)(packed[start + i] & ((1 << DOC_BITS) - 1));
            }
            return result;
        }
        int start = 0;
        int end = size;
        while (start < end)
        {
            final int mid = (start + end) >>> 1;
            if (values[order[mid]] < lo)
            {
                start = mid + 1;
            }
            else
            {
                end = mid;
            }
        }
        int stop = start;
        while (stop < size && values[order[stop]] <= hi)
        {
            stop++;
        }
        final int[] result = new int[stop - start];
        for (int i = 0; i < result.length; i++)
        {
            result[i] = docs[order[start + i]];
        }
        return result;
    }

    private void sort()
    {
        if (sorted)
        {
            return;
        }
        if (packable)
        {
            packed = new long[size];
            for (int i = 0; i < size; i++)
            {
                packed[i] = pack(values[i], docs[i]);
            }
            Arrays.sort(packed);
        }
        else
        {
            final Integer[] boxed = new Integer[size];
            for (int i = 0; i < size; i++)
            {
                boxed[i] = i;
            }
            Arrays.sort(boxed, (a, b) -> values[a] != values[b] ? Long.compare(values[a], values[b]) :
                Integer.compare(docs[a], docs[b]));
            order = new int[size];
            for (int i = 0; i < size; i++)
            {
                order[i] = boxed[i];
            }
        }
        sorted = true;
    }

    private static long pack(final long value, final int docId)
    {
        return (value << DOC_BITS) | docId;
    }

    private static int lowerBound(final long[] a, final long key)
    {
        int lo = 0;
        int hi = a.length;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (a[mid] < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
