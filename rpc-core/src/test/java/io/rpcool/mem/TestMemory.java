package io.rpcool.mem;

import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct memory for tests, kept reachable for the life of the test instance.
 */
final class TestMemory
{
    private final List<ByteBuffer> buffers = new ArrayList<>();
    private final Map<String, MemoryRegion> reusable = new HashMap<>();

    MemoryRegion region(final String name, final int length)
    {
        final ByteBuffer buffer = BufferUtil.allocateDirectAligned(length, 4096);
        buffers.add(buffer);
        return new MemoryRegion(name, BufferUtil.address(buffer), length);
    }

    HeapAllocator heap(final int length)
    {
        return HeapAllocator.format(region("heap", length));
    }

    /**
     * A heap formatted afresh over memory kept under {@code name}, for property tests that need a new
     * heap for every try without holding on to the memory of every try.
     */
    HeapAllocator freshHeap(final String name, final int length)
    {
        final MemoryRegion region = reusable.computeIfAbsent(name + "/" + length, key -> region(name, length));
        return HeapAllocator.format(region, true);
    }
}
