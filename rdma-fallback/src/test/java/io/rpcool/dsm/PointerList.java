package io.rpcool.dsm;

import java.util.SplittableRandom;

/**
 * A singly linked list of records with absolute-address pointers, scattered over many pages of a
 * DSM heap, and a digest of its contents in list order. The head pointer sits at the heap's first
 * word.
 *
 * <pre>
 *   record: | next (8, absolute address or 0) | value (8) | length (4) | pad (4) | payload (length) |
 * </pre>
 */
final class PointerList
{
    static final int NEXT = 0;
    static final int VALUE = 8;
    static final int LENGTH = 16;
    static final int PAYLOAD = 24;

    private PointerList()
    {
    }

    /**
     * Write {@code count} records at random places, linked in a random order of addresses.
     *
     * @return the digest of what was written.
     */
    static long write(final DsmHeap heap, final long seed, final int count)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] records = new long[count];
        long at = heap.address() + 64;
        for (int i = 0; i < count; i++)
        {
            final int length = 8 + random.nextInt(200);
            at = (at + random.nextInt(3000) + 7) & ~7L;
            if (at + PAYLOAD + length > heap.address() + heap.size())
            {
                throw new IllegalArgumentException("heap too small for " + count + " records");
            }
            records[i] = at;
            heap.putLong(at + VALUE, random.nextLong());
            heap.putLong(at + LENGTH, length);
            final byte[] payload = new byte[length];
            random.nextBytes(payload);
            heap.putBytes(at + PAYLOAD, payload, 0, length);
            at += PAYLOAD + length;
        }
        for (int i = count - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final long t = records[i];
            records[i] = records[j];
            records[j] = t;
        }
        for (int i = 0; i < count; i++)
        {
            heap.putLong(records[i] + NEXT, i + 1 < count ? records[i + 1] : 0);
        }
        heap.putLong(heap.address(), records[0]);
        return walk(heap);
    }

    /** Follow the pointers from the head and digest every value and payload byte. */
    static long walk(final DsmHeap heap)
    {
        long digest = 0xcbf29ce484222325L;
        final byte[] payload = new byte[256];
        long at = heap.getLong(heap.address());
        int records = 0;
        while (at != 0)
        {
            if (++records > 1_000_000)
            {
                throw new IllegalStateException("the list does not end");
            }
            final int length = (int)heap.getLong(at + LENGTH);
            digest = (digest ^ heap.getLong(at + VALUE)) * 0x100000001b3L;
            heap.getBytes(at + PAYLOAD, payload, 0, length);
            for (int i = 0; i < length; i++)
            {
                digest = (digest ^ payload[i]) * 0x100000001b3L;
            }
            at = heap.getLong(at + NEXT);
        }
        return digest ^ records;
    }

    /** Add {@code delta} to every record's value; returns the new digest. */
    static long bump(final DsmHeap heap, final long delta)
    {
        long at = heap.getLong(heap.address());
        while (at != 0)
        {
            heap.putLong(at + VALUE, heap.getLong(at + VALUE) + delta);
            at = heap.getLong(at + NEXT);
        }
        return walk(heap);
    }
}
