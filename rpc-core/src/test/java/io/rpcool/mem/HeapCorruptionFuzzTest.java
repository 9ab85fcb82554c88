package io.rpcool.mem;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A heap whose metadata a peer overwrote at random: the allocator must report corruption (or
 * misuse, for frees) and never hand out memory outside the heap, loop forever or crash.
 */
class HeapCorruptionFuzzTest
{
    private final TestMemory memory = new TestMemory();

    @Property(tries = 300)
    void allocatorShouldDetectCorruptionWithoutCrashing(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final HeapAllocator heap = memory.freshHeap("heap", 256 * 1024);
        final MemoryRegion region = heap.region();
        final RegionSet r = heap.regions();
        final List<Long> live = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final long address = heap.allocate(random.nextInt(600));
            if (address != 0)
            {
                live.add(address);
            }
            if (random.nextInt(3) == 0 && !live.isEmpty())
            {
                heap.free(live.remove(random.nextInt(live.size())));
            }
        }
        final long top = heap.top();
        for (int i = 0; i < 1 + random.nextInt(6); i++)
        {
            final boolean inHeader = random.nextInt(3) == 0;
            final long at = inHeader ?
                region.base() + (random.nextInt(DataHeapDescriptor.HEADER_LENGTH) & ~7) :
                region.base() + DataHeapDescriptor.HEADER_LENGTH + (random.nextLong(top - DataHeapDescriptor.HEADER_LENGTH) & ~7);
            final long word = random.nextBoolean() ? random.nextLong() : random.nextLong(1 << 20);
            r.putLong(at, word);
        }

        for (int i = 0; i < 300; i++)
        {
            try
            {
                if (random.nextBoolean() || live.isEmpty())
                {
                    final long length = random.nextInt(600);
                    final long address = heap.allocate(length);
                    if (address != 0)
                    {
                        assertTrue(region.contains(address, length), "allocation outside the heap");
                        live.add(address);
                    }
                }
                else
                {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            catch (final HeapCorruptedException | IllegalArgumentException | IllegalStateException expected)
            {
                assertNotNull(expected.getMessage());
            }
        }
        try
        {
            heap.validate();
        }
        catch (final SharedMemoryException expected)
        {
            assertNotNull(expected.getMessage());
        }
    }
}
