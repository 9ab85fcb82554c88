package io.rpcool.daemon;

import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out heap addresses from the reserved window, first fit, aligned to 2 MiB so that heaps
 * never share a huge page and can be mapped with huge pages later. Not thread-safe: the daemon's
 * conductor alone uses it.
 */
public final class AddressSpace
{
    public static final long DEFAULT_BASE = 0x5000_0000_0000L;
    public static final long DEFAULT_END = 0x6000_0000_0000L;
    public static final long ALIGNMENT = 2L * 1024 * 1024;

    private final long base;
    private final long end;
    /** start -> length of every range in use. */
    private final TreeMap<Long, Long> used = new TreeMap<>();

    public AddressSpace(final long base, final long end)
    {
        if (base % ALIGNMENT != 0 || end <= base)
        {
            throw new IllegalArgumentException(String.format("bad address window [0x%x, 0x%x)", base, end));
        }
        this.base = base;
        this.end = end;
    }

    /**
     * @return the start of a free range of at least {@code length} bytes, or -1 if the window is full.
     */
    public long allocate(final long length)
    {
        final long size = align(length);
        long candidate = base;
        for (final Map.Entry<Long, Long> e : used.entrySet())
        {
            if (e.getKey() - candidate >= size)
            {
                break;
            }
            candidate = e.getKey() + align(e.getValue());
        }
        if (end - candidate < size)
        {
            return -1;
        }
        used.put(candidate, length);
        return candidate;
    }

    public void free(final long address)
    {
        used.remove(address);
    }

    /** Holders of ranges reserved with {@link #reserve}, by start. */
    private final Map<Long, int[]> reservations = new java.util.HashMap<>();

    /**
     * Mark a range a process already maps (a heap handed out by an earlier daemon) as in use, so no
     * new heap is placed over it. Several holders may reserve the same range.
     *
     * @return false if it overlaps a different range in use.
     */
    public boolean reserve(final long address, final long length)
    {
        final int[] holders = reservations.get(address);
        if (holders != null && used.get(address) == length)
        {
            holders[0]++;
            return true;
        }
        final Map.Entry<Long, Long> before = used.floorEntry(address + align(length) - 1);
        if (before != null && before.getKey() + align(before.getValue()) > address)
        {
            return false;
        }
        used.put(address, length);
        reservations.put(address, new int[] {1});
        return true;
    }

    /**
     * A free range held by one holder like a {@link #reserve reserved} one, for memory the holder maps itself.
     *
     * @return its start, or -1 if the window is full.
     */
    public long allocateReserved(final long length)
    {
        final long address = allocate(length);
        if (address >= 0)
        {
            reservations.put(address, new int[] {1});
        }
        return address;
    }

    /** A holder of a reserved range is gone; the range is free once its last holder is. */
    public void unreserve(final long address)
    {
        final int[] holders = reservations.get(address);
        if (holders != null && --holders[0] == 0)
        {
            reservations.remove(address);
            used.remove(address);
        }
    }

    public int rangesInUse()
    {
        return used.size();
    }

    private static long align(final long length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
