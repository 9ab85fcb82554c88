package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import static io.rpcool.mem.DataHeapDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Puts the heap in each state a process can leave behind when it dies between two steps of an
 * allocation or a free, by writing shared memory exactly as the dead process would have, and checks
 * that the survivor carries on.
 */
class HeapCrashWindowTest
{
    private final TestMemory memory = new TestMemory();

    @Test
    void shouldSkipBlockClaimedByPeerThatDiedBeforeAdvancingTop()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RegionSet r = heap.regions();
        final long base = heap.region().base();
        final long top = heap.top();
        final int sizeClass = sizeClassOf(64 + BLOCK_HEADER_LENGTH);
        r.compareAndSetLong(base + top, 0, blockHeader(STATE_ALLOCATED, sizeClass, top >>> GRANULE_SHIFT));

        final long address = heap.allocate(64);
        assertEquals(base + top + classLength(sizeClass) + BLOCK_HEADER_LENGTH, address);
        final HeapReport report = heap.validate();
        assertEquals(2, report.allocatedBlocks(), "the dead peer's block is leaked, not reused");
    }

    @Test
    void shouldValidateHeapWhoseTopLagsOneClaimedBlock()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long base = heap.region().base();
        final long top = heap.top();
        heap.regions().putLongVolatile(base + top, blockHeader(STATE_ALLOCATED, 3, top >>> GRANULE_SHIFT));
        final HeapReport report = heap.validate();
        assertEquals(top + classLength(3), report.top());
        assertEquals(1, report.allocatedBlocks());
    }

    @Test
    void shouldHelpAdvanceTopEvenWhenOwnRequestDoesNotFit()
    {
        final HeapAllocator heap = memory.heap((int)MIN_REGION_LENGTH);
        final long base = heap.region().base();
        final long top = heap.top();
        heap.regions().putLongVolatile(base + top, blockHeader(STATE_ALLOCATED, 0, top >>> GRANULE_SHIFT));
        assertEquals(Allocator.NULL_ADDRESS, heap.allocate(4090));
        assertEquals(top + 16, heap.top());
    }

    @Test
    void shouldLeakBlockPoppedByPeerThatDiedBeforeMarkingIt()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RegionSet r = heap.regions();
        final long base = heap.region().base();
        final long a = heap.allocate(100);
        final long b = heap.allocate(100);
        heap.free(a);
        heap.free(b);
        final int sizeClass = sizeClassOf(100 + BLOCK_HEADER_LENGTH);
        final long headAddress = base + classOffset(sizeClass) + CLASS_HEAD_OFFSET;
        final long head = r.getLongVolatile(headAddress);
        final long next = r.getLongVolatile(b);
        assertTrue(r.compareAndSetLong(headAddress, head, freeListHead(headTag(head) + 1, next)));

        final HeapReport report = heap.validate();
        assertEquals(1, report.freeListedBlocks());
        assertEquals(1, report.leakedFreeBlocks());
        assertEquals(a, heap.allocate(100));
        assertNotEquals(b, heap.allocate(100));
        heap.validate();
    }

    @Test
    void shouldLeakBlockMarkedFreeByPeerThatDiedBeforePushingIt()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RegionSet r = heap.regions();
        final long base = heap.region().base();
        final long a = heap.allocate(100);
        final long blockOffset = a - BLOCK_HEADER_LENGTH - base;
        final long header = r.getLongVolatile(a - BLOCK_HEADER_LENGTH);
        r.compareAndSetLong(a - BLOCK_HEADER_LENGTH, header,
            blockHeader(STATE_FREE, blockSizeClass(header), blockOffset >>> GRANULE_SHIFT));
        r.putLongVolatile(a, 0);

        assertEquals(1, heap.validate().leakedFreeBlocks());
        assertThrows(IllegalStateException.class, () -> heap.free(a));
        assertNotEquals(a, heap.allocate(100));
        heap.validate();
    }

    @Test
    void shouldLeaveHeapIntactWhenPeerDiesAfterLinkingButBeforePushing()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RegionSet r = heap.regions();
        final long base = heap.region().base();
        final long a = heap.allocate(100);
        final long b = heap.allocate(100);
        heap.free(a);
        final long header = r.getLongVolatile(b - BLOCK_HEADER_LENGTH);
        final int sizeClass = blockSizeClass(header);
        r.compareAndSetLong(b - BLOCK_HEADER_LENGTH, header,
            blockHeader(STATE_FREE, sizeClass, blockGranuleOffset(header)));
        final long head = r.getLongVolatile(base + classOffset(sizeClass));
        r.putLongVolatile(b, headGranuleOffset(head));

        final HeapReport report = heap.validate();
        assertEquals(1, report.freeListedBlocks());
        assertEquals(1, report.leakedFreeBlocks());
        assertEquals(a, heap.allocate(100));
    }
}
