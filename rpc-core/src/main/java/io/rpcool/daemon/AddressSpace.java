package io.rpcool.daemon;

import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out heap addresses from the reserved window, first fit, aligned to 2 MiB so that heaps
 * never share a huge page and can be mapped with huge pages later. Not thread-safe: the daemon
 * calls it under its state lock.
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

    public int rangesInUse()
    {
        return used.size();
    }

    private static long align(final long length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
