package io.rpcool.mem;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A contiguous range of memory {@code [base, base + length)} given by absolute address, such as a
 * shared heap mapped at its orchestrator-assigned address or an RPC buffer inside one.
 * <p>
 * A region does not own its memory: whoever mapped it unmaps it. Regions are immutable values.
 */
public final class MemoryRegion
{
    private final String name;
    private final long base;
    private final long length;

    /**
     * @param name   for messages, e.g. the heap's name.
     * @param base   first address of the region; must be positive.
     * @param length length in bytes; must be positive and {@code base + length} must not overflow.
     */
    public MemoryRegion(final String name, final long base, final long length)
    {
        if (base <= 0 || length <= 0 || base + length < base)
        {
            throw new IllegalArgumentException(
                "invalid region " + name + ": base=0x" + Long.toHexString(base) + " length=" + length);
        }
        this.name = name;
        this.base = base;
        this.length = length;
    }

    public String name()
    {
        return name;
    }

    public long base()
    {
        return base;
    }

    public long length()
    {
        return length;
    }

    /**
     * @return first address past the region.
     */
    public long end()
    {
        return base + length;
    }

    /**
     * Whether {@code [address, address + accessLength)} lies entirely inside this region. Safe against
     * overflow for any pair of arguments.
     *
     * @param address      first address of the access.
     * @param accessLength length of the access in bytes.
     * @return true if the whole access lies inside.
     */
    public boolean contains(final long address, final long accessLength)
    {
        final long offset = address - base;
        return offset >= 0 && accessLength >= 0 && offset <= length - accessLength;
    }

    /**
     * A sub-range of this region.
     *
     * @param name         of the new region.
     * @param address      first address; must lie inside this region.
     * @param regionLength length of the new region.
     * @return the new region.
     */
    public MemoryRegion slice(final String name, final long address, final long regionLength)
    {
        if (regionLength <= 0 || !contains(address, regionLength))
        {
            throw new SharedMemoryBoundsException(address, regionLength, toString());
        }
        return new MemoryRegion(name, address, regionLength);
    }

    /**
     * An Agrona view of the region for code that prefers buffer offsets to absolute addresses.
     *
     * @return a new buffer wrapping the region.
     * @throws IllegalStateException if the region is longer than a buffer can index.
     */
    public UnsafeBuffer buffer()
    {
        if (length > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("region " + name + " is too long for a buffer view: " + length);
        }
        return new UnsafeBuffer(base, (int)length);
    }

    @Override
    public String toString()
    {
        return name + "[0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + length) + ")";
    }
}
