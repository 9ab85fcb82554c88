package io.rpcool.examples.cooldb.shm;

import io.rpcool.SharedHeap;
import io.rpcool.mem.HeapAllocator;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;

/**
 * Faults in every page of a shared heap ahead of time, as a JVM started with
 * {@code -XX:+AlwaysPreTouch} does with its own heap: the first touch of a page of shared memory
 * costs a page fault in each process that maps it, and inside a virtual machine the first of them
 * costs ~10-15 µs. Only reads, so it is safe while other processes allocate and write.
 */
public final class HeapTouch
{
    /** Page size of the heaps' mappings. */
    public static final long PAGE = 4096;

    private HeapTouch()
    {
    }

    /**
     * @param heap every heap of it is touched, page by page.
     * @return pages touched.
     */
    public static long preTouch(final SharedHeap heap)
    {
        long pages = 0;
        int sum = 0;
        for (final HeapAllocator h : heap.heaps())
        {
            final MemoryRegion region = h.region();
            final RegionSet one = RegionSet.of(region);
            for (long offset = 0; offset < region.length(); offset += PAGE)
            {
                sum += one.getByte(region.base() + offset);
                pages++;
            }
        }
        return sum == Integer.MIN_VALUE ? pages + 1 : pages; // consumes the reads
    }
}
