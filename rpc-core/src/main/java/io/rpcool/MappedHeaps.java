package io.rpcool;

import java.util.HashMap;
import java.util.Map;

import io.rpcool.nativeio.SharedMemory;

/**
 * Heaps mapped by this process, counted by use: when the client and the server of a connection
 * live in one process they share the single mapping at the heap's address.
 */
final class MappedHeaps
{
    private static final Map<Long, long[]> MAPPED = new HashMap<>();

    private MappedHeaps()
    {
    }

    /**
     * Map heap {@code heapId} at {@code address} unless this process already maps it.
     */
    static synchronized void map(final long heapId, final int fd, final long address, final long length)
    {
        final long[] entry = MAPPED.get(heapId);
        if (entry != null)
        {
            if (entry[0] != address || entry[1] != length)
            {
                throw new IllegalStateException("heap " + heapId + " is already mapped elsewhere in this process");
            }
            entry[2]++;
            return;
        }
        SharedMemory.mapFixed(fd, address, length);
        MAPPED.put(heapId, new long[] {address, length, 1});
    }

    /**
     * Drop one use; unmap when it was the last.
     */
    static synchronized void unmap(final long heapId)
    {
        final long[] entry = MAPPED.get(heapId);
        if (entry != null && --entry[2] == 0)
        {
            MAPPED.remove(heapId);
            SharedMemory.unmap(entry[0], entry[1]);
        }
    }

    static synchronized boolean isMapped(final long heapId)
    {
        return MAPPED.containsKey(heapId);
    }
}
