package io.rpcool.mem;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random allocate/free sequences against a model: a sorted map of live blocks.
 */
class HeapAllocatorPropertyTest
{
    private static final int HEAP_LENGTH = 64 * 1024;

    private final TestMemory memory = new TestMemory();

    @Property(tries = 300)
    void shouldBehaveLikeModel(
        @ForAll @Size(max = 400) final List<@IntRange(min = -3000, max = 6000) Integer> operations)
    {
        final HeapAllocator heap = memory.freshHeap("heap", HEAP_LENGTH);
        final MemoryRegion region = heap.region();
        final RegionSet r = heap.regions();
        final TreeMap<Long, Long> live = new TreeMap<>();
        final List<Long> order = new ArrayList<>();

        for (final int op : operations)
        {
            if (op < 0)
            {
                if (!order.isEmpty())
                {
                    final long address = order.remove(-op % order.size());
                    final long length = live.remove(address);
                    checkPattern(r, address, length);
                    heap.free(address);
                }
            }
            else
            {
                final long address = heap.allocate(op);
                if (address == Allocator.NULL_ADDRESS)
                {
                    assertTrue(heap.top() + op > HEAP_LENGTH - 1024 || op > 1024,
                        "out of memory with room left: top=" + heap.top() + " op=" + op);
                    continue;
                }
                final long usable = heap.usableLength(address);
                assertTrue(usable >= op);
                assertTrue(region.contains(address - 8, usable + 8), "block outside the heap");
                assertTrue(address - region.base() >= DataHeapDescriptor.HEADER_LENGTH + 8, "block inside the header");
                final Map.Entry<Long, Long> below = live.floorEntry(address);
                if (below != null)
                {
                    assertTrue(below.getKey() + heap.usableLength(below.getKey()) + 8 <= address, "overlap below");
                }
                final Map.Entry<Long, Long> above = live.ceilingEntry(address);
                if (above != null)
                {
                    assertTrue(address + usable + 8 <= above.getKey(), "overlap above");
                }
                live.put(address, usable);
                order.add(address);
                writePattern(r, address, usable);
            }
        }

        final HeapStats stats = heap.stats();
        final HeapReport report = heap.validate();
        long liveBytes = 0;
        for (final Map.Entry<Long, Long> e : live.entrySet())
        {
            checkPattern(r, e.getKey(), e.getValue());
            liveBytes += e.getValue() + 8;
        }
        assertEquals(live.size(), stats.liveBlocks());
        assertEquals(liveBytes, stats.liveBytes());
        assertEquals(live.size(), report.allocatedBlocks());
        assertEquals(liveBytes, report.allocatedBytes());
        assertEquals(report.blocks(), report.allocatedBlocks() + report.freeListedBlocks());
        assertEquals(0, report.leakedFreeBlocks());
        assertEquals(stats.top(), report.top());

        // Freed memory is reusable: free everything, then ask for the same blocks again.
        final List<Long> lengths = new ArrayList<>(live.values());
        for (final long address : live.keySet())
        {
            heap.free(address);
        }
        final long top = heap.top();
        for (final long length : lengths)
        {
            assertNotEquals(Allocator.NULL_ADDRESS, heap.allocate(length));
        }
        assertEquals(top, heap.top(), "reallocation claimed fresh memory instead of reusing freed blocks");
        assertEquals(lengths.size(), heap.validate().allocatedBlocks());
    }

    static void writePattern(final RegionSet r, final long address, final long length)
    {
        if (length >= 8)
        {
            r.putLong(address, address);
        }
        if (length >= 16)
        {
            r.putLong(address + length - 8, ~address);
        }
    }

    static void checkPattern(final RegionSet r, final long address, final long length)
    {
        if (length >= 8)
        {
            assertEquals(address, r.getLong(address), "block start overwritten");
        }
        if (length >= 16)
        {
            assertEquals(~address, r.getLong(address + length - 8), "block end overwritten");
        }
    }
}
