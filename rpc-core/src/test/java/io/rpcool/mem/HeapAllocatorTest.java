package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HeapAllocatorTest
{
    private final TestMemory memory = new TestMemory();

    @Test
    void shouldMapLengthsToSmallestFittingClass()
    {
        for (long length = 1; length < 1 << 20; length += 7)
        {
            final int c = DataHeapDescriptor.sizeClassOf(length);
            assertTrue(DataHeapDescriptor.classLength(c) >= length, "class " + c + " for " + length);
            if (c > 0)
            {
                assertTrue(DataHeapDescriptor.classLength(c - 1) < length, "class " + c + " not smallest for " + length);
            }
        }
        assertEquals(DataHeapDescriptor.CLASS_COUNT - 1, DataHeapDescriptor.sizeClassOf(1L << 36));
        assertEquals(-1, DataHeapDescriptor.sizeClassOf((1L << 36) + 1));
        assertEquals(8192, DataHeapDescriptor.HEADER_LENGTH);
    }

    @Test
    void shouldAllocateAlignedAddressesInsideTheHeap()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final MemoryRegion region = heap.region();
        for (int i = 0; i < 100; i++)
        {
            final long address = heap.allocate(i * 3);
            assertNotEquals(Allocator.NULL_ADDRESS, address);
            assertEquals(0, address & 7);
            assertTrue(region.contains(address, i * 3));
            assertTrue(heap.usableLength(address) >= i * 3);
        }
        final HeapReport report = heap.validate();
        assertEquals(100, report.allocatedBlocks());
        assertEquals(0, report.freeListedBlocks());
    }

    @Test
    void shouldReuseFreedBlocks()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long a = heap.allocate(100);
        final long topBefore = heap.top();
        heap.free(a);
        assertEquals(a, heap.allocate(90));
        assertEquals(topBefore, heap.top());
    }

    @Test
    void shouldReturnNullWhenOutOfMemoryAndRecoverAfterFree()
    {
        final HeapAllocator heap = memory.heap((int)DataHeapDescriptor.MIN_REGION_LENGTH);
        final long a = heap.allocate(2000);
        final long b = heap.allocate(2000);
        assertNotEquals(0, a);
        assertEquals(Allocator.NULL_ADDRESS, heap.allocate(2000));
        assertEquals(Allocator.NULL_ADDRESS, heap.allocate(1L << 40));
        assertThrows(SharedMemoryExhaustedException.class, () -> heap.allocateOrThrow(4000));
        heap.free(a);
        assertEquals(a, heap.allocate(2000));
        heap.free(b);
        assertEquals(b, heap.allocate(1500), "a smaller request may take a larger free block when memory is out");
        heap.validate();
    }

    @Test
    void shouldRejectMisuse()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long a = heap.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> heap.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> heap.free(a + 8));
        assertThrows(IllegalArgumentException.class, () -> heap.free(heap.region().end() + 64));
        assertThrows(IllegalArgumentException.class, () -> heap.free(heap.region().base() + 64));
        heap.free(a);
        assertThrows(IllegalStateException.class, () -> heap.free(a));
        heap.free(Allocator.NULL_ADDRESS);
        heap.validate();
    }

    @Test
    void shouldAttachToFormattedHeapAndShareState()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long a = heap.allocate(64);
        final HeapAllocator other = HeapAllocator.attach(heap.region());
        other.free(a);
        assertEquals(a, heap.allocate(64));
        assertEquals(1, other.validate().allocatedBlocks());
    }

    @Test
    void shouldRefuseToAttachToUnformattedOrMismatchedRegion()
    {
        final MemoryRegion raw = memory.region("raw", 1 << 20);
        assertThrows(SharedTypeException.class, () -> HeapAllocator.attach(raw));
        HeapAllocator.format(raw);
        final MemoryRegion shorter = new MemoryRegion("shorter", raw.base(), 1 << 19);
        assertThrows(SharedTypeException.class, () -> HeapAllocator.attach(shorter));
        raw.buffer().putInt(DataHeapDescriptor.VERSION_OFFSET, 99);
        assertThrows(SharedTypeException.class, () -> HeapAllocator.attach(raw));
    }

    @Test
    void shouldDetectCorruptedFreeListWithoutTouchingForeignMemory()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long a = heap.allocate(64);
        heap.free(a);
        final RegionSet r = heap.regions();
        r.putLong(a, 0x7FFF_FFFFL);
        assertThrows(HeapCorruptedException.class, heap::validate);
        assertThrows(HeapCorruptedException.class, () -> heap.allocate(64));
    }

    @Test
    void shouldDetectOverwrittenBlockHeader()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long a = heap.allocate(64);
        heap.allocate(64);
        heap.regions().putLong(a - 8, 0x1234);
        assertThrows(HeapCorruptedException.class, heap::validate);
        assertThrows(IllegalArgumentException.class, () -> heap.free(a));
    }

    @Test
    void shouldServeSeveralHeapsAsOne()
    {
        final HeapAllocator first = HeapAllocator.format(memory.region("h1", (int)DataHeapDescriptor.MIN_REGION_LENGTH));
        final HeapSet set = new HeapSet(first);
        final long a = set.allocate(3000);
        assertNotEquals(0, a);
        assertEquals(Allocator.NULL_ADDRESS, set.allocate(3000));
        final HeapAllocator second = HeapAllocator.format(memory.region("h2", 1 << 16));
        set.add(second);
        final long b = set.allocate(3000);
        assertTrue(second.region().contains(b, 3000));
        assertTrue(set.regions().contains(a, 8) && set.regions().contains(b, 8));
        set.free(a);
        set.free(b);
        assertSame(first, set.heapOf(a));
        assertEquals(0, first.validate().allocatedBlocks());
        assertEquals(0, second.validate().allocatedBlocks());
        assertThrows(IllegalArgumentException.class, () -> set.free(12345));
    }
}
