package io.rpcool.mem;

import static io.rpcool.mem.RpcBufferDescriptor.*;

/**
 * A contiguous region carved from a heap with a bump allocator of its own (layout in
 * {@link RpcBufferDescriptor}): the place a caller builds one RPC's arguments, which the receiver
 * reads in place (and may write its reply into).
 * <p>
 * Allocation is a compare-and-set on the cursor kept in the buffer itself, so threads and processes
 * sharing the buffer may allocate concurrently. {@link #free(long)} does nothing; {@link #reset()}
 * drops every object at once; {@link #destroy()} returns the buffer to the heap it came from.
 * {@link #regions()} covers only this buffer, so flyweights built over it can read nothing else: a
 * receiver that wraps the caller's buffer with {@link #attach(RegionSet, long)} is confined to it.
 */
public final class RpcBuffer implements Allocator
{
    private final Allocator heap;
    private final MemoryRegion region;
    private final RegionSet regions;
    private final long address;
    private final long length;

    private RpcBuffer(final Allocator heap, final long address, final long length)
    {
        this.heap = heap;
        this.address = address;
        this.length = length;
        this.region = new MemoryRegion("rpc-buffer@0x" + Long.toHexString(address), address, length);
        this.regions = RegionSet.of(region);
    }

    /**
     * Carve a new buffer from a heap.
     *
     * @param heap     to allocate the buffer from.
     * @param capacity bytes available for objects, not counting the header.
     * @return the new buffer, or null if the heap has no room (the caller may add a heap and retry).
     */
    public static RpcBuffer create(final Allocator heap, final long capacity)
    {
        if (capacity < 0 || capacity > Long.MAX_VALUE - HEADER_LENGTH - ALIGNMENT)
        {
            throw new IllegalArgumentException("invalid capacity: " + capacity);
        }
        final long length = (HEADER_LENGTH + capacity + ALIGNMENT - 1) & -ALIGNMENT;
        final long address = heap.allocate(length);
        if (address == NULL_ADDRESS)
        {
            return null;
        }
        final RegionSet r = heap.regions();
        r.putInt(address + VERSION_OFFSET, VERSION);
        r.putLong(address + LENGTH_OFFSET, length);
        r.putLongVolatile(address + CURSOR_OFFSET, HEADER_LENGTH);
        r.putLong(address + GENERATION_OFFSET, 0);
        r.putIntRelease(address + MAGIC_OFFSET, MAGIC);
        return new RpcBuffer(heap, address, length);
    }

    /**
     * Attach to a buffer someone else created, e.g. the one an RPC request points to.
     *
     * @param regions the regions the buffer must lie in.
     * @param address of the buffer.
     * @return a view of the buffer; {@link #destroy()} is not available through it.
     * @throws SharedTypeException         if no buffer of this version starts there.
     * @throws SharedMemoryBoundsException if the buffer's length runs outside the regions.
     */
    public static RpcBuffer attach(final RegionSet regions, final long address)
    {
        final int magic = regions.getIntVolatile(address + MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new SharedTypeException("no RPC buffer at 0x" + Long.toHexString(address) +
                ": magic=0x" + Integer.toHexString(magic));
        }
        final int version = regions.getInt(address + VERSION_OFFSET);
        if (version != VERSION)
        {
            throw new SharedTypeException("RPC buffer version " + version + ", expected " + VERSION);
        }
        final long length = regions.getLong(address + LENGTH_OFFSET);
        if (length < HEADER_LENGTH)
        {
            throw new MalformedStructureException("RPC buffer at 0x" + Long.toHexString(address) +
                " has length " + length);
        }
        regions.checkBounds(address, length);
        return new RpcBuffer(null, address, length);
    }

    /**
     * @return address of the buffer (of its header).
     */
    public long address()
    {
        return address;
    }

    /**
     * @return length of the buffer including its header.
     */
    public long length()
    {
        return length;
    }

    /**
     * @return bytes available for objects when the buffer is empty.
     */
    public long capacity()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * @return bytes taken by objects.
     */
    public long used()
    {
        return cursor() - HEADER_LENGTH;
    }

    /**
     * @return bytes still free.
     */
    public long remaining()
    {
        return length - cursor();
    }

    /**
     * @return number of resets so far.
     */
    public long generation()
    {
        return regions.getLongVolatile(address + GENERATION_OFFSET);
    }

    private long cursor()
    {
        final long cursor = regions.getLongVolatile(address + CURSOR_OFFSET);
        if (cursor < HEADER_LENGTH || cursor > length)
        {
            throw new MalformedStructureException("RPC buffer cursor " + cursor + " outside [" + HEADER_LENGTH +
                ", " + length + "]");
        }
        return cursor;
    }

    /**
     * @return the region of the buffer.
     */
    public MemoryRegion region()
    {
        return region;
    }

    @Override
    public RegionSet regions()
    {
        return regions;
    }

    @Override
    public long allocate(final long size)
    {
        if (size < 0)
        {
            throw new IllegalArgumentException("negative length: " + size);
        }
        final long cursorAddress = address + CURSOR_OFFSET;
        while (true)
        {
            final long cursor = cursor();
            if (size > length - cursor)
            {
                return NULL_ADDRESS;
            }
            final long next = Math.min(length, (cursor + size + ALIGNMENT - 1) & -ALIGNMENT);
            if (regions.compareAndSetLong(cursorAddress, cursor, next))
            {
                return address + cursor;
            }
        }
    }

    /**
     * Does nothing: objects in an RPC buffer go all at once, by {@link #reset()}.
     *
     * @param address ignored.
     */
    @Override
    public void free(final long address)
    {
    }

    /**
     * Drop every object in the buffer; the memory is reused by the next allocations.
     */
    public void reset()
    {
        regions.putLongVolatile(address + CURSOR_OFFSET, HEADER_LENGTH);
        regions.getAndAddLong(address + GENERATION_OFFSET, 1);
    }

    /**
     * Return the buffer to the heap it was created from. The buffer must not be used afterwards.
     *
     * @throws IllegalStateException if this view was obtained by {@link #attach(RegionSet, long)}.
     */
    public void destroy()
    {
        if (heap == null)
        {
            throw new IllegalStateException("an attached RPC buffer is destroyed by its creator");
        }
        regions.putIntRelease(address + MAGIC_OFFSET, 0);
        heap.free(address);
    }

    @Override
    public String toString()
    {
        return "RpcBuffer{" + region + ", used=" + used() + '}';
    }
}
