package io.rpcool.control;

/**
 * A heap of the shared pool as one host sees it: its cluster-unique address and length, and a file
 * descriptor of its memory, owned by the caller (the daemon passes it to processes, then closes it),
 * to be mapped from {@code offset}: 0 for a file of its own, the start of its range for a pool device.
 */
public record PoolHeap(long address, long length, int fd, long offset)
{
    /** A heap that is a file of its own (mapped from offset 0). */
    public PoolHeap(final long address, final long length, final int fd)
    {
        this(address, length, fd, 0);
    }
}
