package io.rpcool.mem;

/**
 * Advisory statistics of a heap read from its per-class counters: exact while no process dies
 * mid-operation, skewed by at most one operation per death otherwise. Block lengths include headers.
 *
 * @param regionLength    length of the heap's region.
 * @param headerLength    bytes reserved for the heap header.
 * @param top             offset of the first unclaimed byte.
 * @param allocations     successful allocations so far.
 * @param frees           frees so far.
 * @param liveBlocks      allocations minus frees.
 * @param liveBytes       total length of live blocks.
 */
public record HeapStats(
    long regionLength,
    long headerLength,
    long top,
    long allocations,
    long frees,
    long liveBlocks,
    long liveBytes)
{
    /**
     * @return bytes never claimed yet.
     */
    public long unclaimedBytes()
    {
        return regionLength - top;
    }
}
