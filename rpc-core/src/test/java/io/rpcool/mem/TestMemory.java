package io.rpcool.mem;

import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct memory for tests, kept reachable for the life of the test instance.
 */
final class TestMemory
{
    private final List<ByteBuffer> buffers = new ArrayList<>();

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
}
