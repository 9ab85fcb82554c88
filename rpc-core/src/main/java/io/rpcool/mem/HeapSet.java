package io.rpcool.mem;

import java.util.Arrays;

/**
 * Several heaps used as one allocator, as a connection adds a heap when the ones it has fill up.
 * <p>
 * {@link #allocate(long)} tries the heap that served the last request, then the others in order,
 * and returns {@link #NULL_ADDRESS} when none has room: the caller then maps another heap and
 * {@link #add(HeapAllocator) adds} it. {@link #free(long)} returns memory to the heap that contains
 * it. {@link #regions()} covers every heap in the set and grows with it, so flyweights built over it
 * can follow pointers into any of the heaps.
 */
public final class HeapSet implements Allocator
{
    private final RegionSet regions = new RegionSet();
    private volatile HeapAllocator[] heaps = new HeapAllocator[0];
    private volatile int current;

    /**
     * @param heaps initial heaps.
     */
    public HeapSet(final HeapAllocator... heaps)
    {
        for (final HeapAllocator heap : heaps)
        {
            add(heap);
        }
    }

    /**
     * Add a heap; allocations go to it first from now on.
     *
     * @param heap to add.
     * @return this set.
     */
    public synchronized HeapSet add(final HeapAllocator heap)
    {
        for (final HeapAllocator h : heaps)
        {
            final MemoryRegion a = h.region();
            final MemoryRegion b = heap.region();
            if (a.base() < b.end() && b.base() < a.end())
            {
                throw new IllegalArgumentException(b + " overlaps " + a);
            }
        }
        final HeapAllocator[] next = Arrays.copyOf(heaps, heaps.length + 1);
        next[heaps.length] = heap;
        regions.add(heap.region());
        heaps = next;
        current = next.length - 1;
        return this;
    }

    /**
     * @return the heaps in the set, in the order they were added.
     */
    public HeapAllocator[] heaps()
    {
        return heaps.clone();
    }

    @Override
    public RegionSet regions()
    {
        return regions;
    }

    @Override
    public long allocate(final long length)
    {
        final HeapAllocator[] hs = heaps;
        final int start = current;
        for (int i = 0; i < hs.length; i++)
        {
            final int index = (start + i) % hs.length;
            final long address = hs[index].allocate(length);
            if (address != NULL_ADDRESS)
            {
                if (index != start)
                {
                    current = index;
                }
                return address;
            }
        }
        return NULL_ADDRESS;
    }

    @Override
    public void free(final long address)
    {
        if (address != NULL_ADDRESS)
        {
            heapOf(address).free(address);
        }
    }

    /**
     * @param address inside one of the heaps.
     * @return the heap that contains it.
     * @throws IllegalArgumentException if no heap does.
     */
    public HeapAllocator heapOf(final long address)
    {
        for (final HeapAllocator heap : heaps)
        {
            if (heap.region().contains(address, 1))
            {
                return heap;
            }
        }
        throw new IllegalArgumentException("0x" + Long.toHexString(address) + " lies in no heap of " + regions);
    }

    @Override
    public String toString()
    {
        return "HeapSet" + Arrays.toString(heaps);
    }
}
