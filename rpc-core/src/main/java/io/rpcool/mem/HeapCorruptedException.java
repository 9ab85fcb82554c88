package io.rpcool.mem;

/**
 * The allocator found its own metadata inside a heap in a state that no sequence of allocations,
 * frees and crashes can produce: a block header without its magic, a free list entry that is not a
 * free block, a free-list cycle. Memory was overwritten by something other than the allocator.
 */
public final class HeapCorruptedException extends SharedMemoryException
{
    public HeapCorruptedException(final String message)
    {
        super(message);
    }
}
