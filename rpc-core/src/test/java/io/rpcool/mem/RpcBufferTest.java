package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RpcBufferTest
{
    private final TestMemory memory = new TestMemory();

    @Test
    void shouldBumpAllocateInsideTheBufferUntilFull()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RpcBuffer buffer = RpcBuffer.create(heap, 1000);
        assertEquals(1000, buffer.capacity());
        final long a = buffer.allocate(10);
        final long b = buffer.allocate(10);
        assertEquals(a + 16, b, "8-byte aligned bump");
        assertTrue(buffer.region().contains(a, 10));
        assertEquals(32, buffer.used());
        assertEquals(Allocator.NULL_ADDRESS, buffer.allocate(1000));
        assertNotEquals(Allocator.NULL_ADDRESS, buffer.allocate(buffer.remaining()));
        assertEquals(0, buffer.remaining());
        assertEquals(Allocator.NULL_ADDRESS, buffer.allocate(1));
    }

    @Test
    void shouldDropEverythingOnResetAndReturnMemoryOnDestroy()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RpcBuffer buffer = RpcBuffer.create(heap, 4096);
        final long first = buffer.allocate(100);
        buffer.allocate(200);
        buffer.reset();
        assertEquals(0, buffer.used());
        assertEquals(1, buffer.generation());
        assertEquals(first, buffer.allocate(100));
        buffer.destroy();
        assertEquals(0, heap.validate().allocatedBlocks());
    }

    @Test
    void shouldConfineContainersBuiltInsideToTheBuffer()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final RpcBuffer buffer = RpcBuffer.create(heap, 4096);
        final long outside = SharedString.allocate(heap, "outside");
        final long vector = SharedPointerVector.allocate(buffer, 4);
        new SharedPointerVector().wrap(buffer, vector).add(SharedString.allocate(buffer, "inside")).add(outside);

        final RpcBuffer receiver = RpcBuffer.attach(heap.regions(), buffer.address());
        final SharedPointerVector view = new SharedPointerVector().wrap(receiver.regions(), vector);
        assertEquals("inside", SharedString.read(receiver.regions(), view.get(0)));
        assertThrows(SharedMemoryBoundsException.class, () -> SharedString.read(receiver.regions(), view.get(1)));
        assertThrows(IllegalStateException.class, receiver::destroy);
    }

    @Test
    void shouldRejectAttachToSomethingElse()
    {
        final HeapAllocator heap = memory.heap(1 << 20);
        final long notABuffer = SharedString.allocate(heap, "hello");
        assertThrows(SharedTypeException.class, () -> RpcBuffer.attach(heap.regions(), notABuffer));
        final RpcBuffer buffer = RpcBuffer.create(heap, 128);
        heap.regions().putLong(buffer.address() + RpcBufferDescriptor.LENGTH_OFFSET, 1L << 40);
        assertThrows(SharedMemoryBoundsException.class, () -> RpcBuffer.attach(heap.regions(), buffer.address()));
    }

    @Test
    void shouldReturnNullWhenHeapIsFull()
    {
        final HeapAllocator heap = memory.heap((int)DataHeapDescriptor.MIN_REGION_LENGTH);
        assertNull(RpcBuffer.create(heap, 1 << 20));
    }
}
