package io.rpcool.control;

/**
 * A heap of the shared pool as one host sees it: its cluster-unique address and length, and a file
 * descriptor of its memory, owned by the caller (the daemon passes it to processes, then closes it).
 */
public record PoolHeap(long address, long length, int fd)
{
}
