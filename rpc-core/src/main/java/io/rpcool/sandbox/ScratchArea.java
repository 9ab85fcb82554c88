package io.rpcool.sandbox;

import org.agrona.UnsafeApi;

import io.rpcool.mem.Allocator;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;
import io.rpcool.nativeio.Native;

/**
 * Private, page-aligned memory of this process (an anonymous mapping, never shared with a peer)
 * where sandboxed code allocates temporary objects. Allocation bumps a cursor; {@link #discard()}
 * zeroes what was used and starts over, so nothing a sandbox left behind is seen by the next one.
 * Pages are reserved without backing ({@code MAP_NORESERVE}) and cost memory only once touched.
 * <p>
 * One thread uses an area at a time: a {@link ScratchPool} hands it out for one sandbox entry.
 */
public final class ScratchArea
{
    /** Default size of an area: {@code rpcool.sandbox.scratchSize}, 1 MiB unless set. */
    public static final long DEFAULT_SIZE = io.rpcool.config.Setting.SANDBOX_SCRATCH_SIZE.longValue();
    private static final int PAGE_SIZE = 4096;
    private static final int ALIGNMENT = 16;

    private final MemoryRegion region;
    private long cursor;
    private long highWater;

    private ScratchArea(final MemoryRegion region)
    {
        this.region = region;
    }

    /**
     * Map a new area.
     *
     * @param length bytes; rounded up to whole pages.
     */
    public static ScratchArea map(final long length)
    {
        if (length <= 0 || length > (1L << 40))
        {
            throw new IllegalArgumentException("invalid scratch size " + length);
        }
        final long size = (length + PAGE_SIZE - 1) & -PAGE_SIZE;
        final jnr.ffi.Pointer p = Native.libc().mmap(null, size, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
        final long address = p == null ? 0 : p.address();
        if (address == 0 || address == Native.MAP_FAILED)
        {
            throw io.rpcool.nativeio.Errno.exception("mmap(scratch, " + size + ")", Native.errno());
        }
        return new ScratchArea(new MemoryRegion("sandbox-scratch@0x" + Long.toHexString(address), address, size));
    }

    public MemoryRegion region()
    {
        return region;
    }

    /** Bytes allocated since the last {@link #discard()}. */
    public long used()
    {
        return cursor;
    }

    /**
     * Bump-allocate {@code length} bytes, 16-byte aligned.
     *
     * @return the address, or {@link Allocator#NULL_ADDRESS} if the area is full.
     */
    long allocate(final long length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length: " + length);
        }
        final long start = cursor;
        if (length > region.length() - start)
        {
            return Allocator.NULL_ADDRESS;
        }
        cursor = Math.min(region.length(), (start + length + ALIGNMENT - 1) & -ALIGNMENT);
        highWater = Math.max(highWater, cursor);
        return region.base() + start;
    }

    /**
     * Drop every object: zero the bytes used and reset the cursor.
     */
    public void discard()
    {
        if (highWater > 0)
        {
            UnsafeApi.setMemory(region.base(), highWater, (byte)0);
        }
        cursor = 0;
        highWater = 0;
    }

    /** An allocator over this area whose reads and writes go through {@code views}. */
    Allocator allocator(final RegionSet views)
    {
        return new Allocator()
        {
            @Override
            public long allocate(final long length)
            {
                return ScratchArea.this.allocate(length);
            }

            @Override
            public void free(final long address)
            {
            }

            @Override
            public RegionSet regions()
            {
                return views;
            }

            @Override
            public String toString()
            {
                return "scratch " + region + ", used " + cursor;
            }
        };
    }

    /** Return the memory to the system. The area must not be used afterwards. */
    public void unmap()
    {
        Native.libc().munmap(region.base(), region.length());
    }

    @Override
    public String toString()
    {
        return "ScratchArea{" + region + ", used=" + cursor + '}';
    }
}
