package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SharedStringTest
{
    private final TestMemory memory = new TestMemory();
    private final HeapAllocator heap = memory.heap(4 << 20);

    @Test
    void shouldRejectWrongTagAndImpossibleLength()
    {
        final long vector = SharedLongVector.allocate(heap, 1);
        final SharedTypeException ex =
            assertThrows(SharedTypeException.class, () -> SharedString.read(heap.regions(), vector));
        assertTrue(ex.getMessage().contains("SharedLongVector"), ex.getMessage());

        final long s = SharedString.allocate(heap, "abc");
        heap.regions().putInt(s + StringDescriptor.LENGTH_OFFSET, -5);
        assertThrows(MalformedStructureException.class, () -> SharedString.read(heap.regions(), s));
        heap.regions().putInt(s + StringDescriptor.LENGTH_OFFSET, Integer.MAX_VALUE);
        assertThrows(SharedMemoryBoundsException.class, () -> SharedString.read(heap.regions(), s));
        assertThrows(MalformedStructureException.class, () -> SharedString.read(heap.regions(), 0));
    }
}
