package io.rpcool.mem;

/**
 * Exact figures of a heap, computed by {@link HeapAllocator#validate()} from the blocks themselves.
 * Block lengths include headers.
 *
 * @param regionLength      length of the heap's region.
 * @param headerLength      bytes reserved for the heap header.
 * @param top               offset past the last claimed block.
 * @param blocks            number of blocks below top.
 * @param allocatedBlocks   blocks in the allocated state (including ones leaked by a dead process).
 * @param allocatedBytes    their total length.
 * @param freeListedBlocks  free blocks reachable from the free lists, reusable.
 * @param freeListedBytes   their total length.
 * @param leakedFreeBlocks  blocks marked free but on no list: left by a process that died while freeing
 *                          or allocating; lost, harmless.
 */
public record HeapReport(
    long regionLength,
    long headerLength,
    long top,
    long blocks,
    long allocatedBlocks,
    long allocatedBytes,
    long freeListedBlocks,
    long freeListedBytes,
    long leakedFreeBlocks)
{
}
