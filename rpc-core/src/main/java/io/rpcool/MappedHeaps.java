package io.rpcool;

import java.util.HashMap;
import java.util.Map;

import io.rpcool.nativeio.SharedMemory;

/**
 * Heaps mapped by this process, counted by use and keyed by address (a process holds one mapping
 * per address): when the client and the server of a connection live in one process they share the
 * single mapping.
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
        final long[] entry = MAPPED.get(address);
        if (entry != null)
        {
            if (entry[3] != heapId || entry[1] != length)
            {
                throw new io.rpcool.nativeio.AddressClashException(address, length);
            }
            entry[2]++;
            return;
        }
        SharedMemory.mapFixed(fd, address, length);
        MAPPED.put(address, new long[] {address, length, 1, heapId});
    }

    /**
     * Drop one use; unmap when it was the last.
     *
     * @return true if this call unmapped the heap.
     */
    static synchronized boolean unmap(final long address)
    {
        final long[] entry = MAPPED.get(address);
        if (entry != null && --entry[2] == 0)
        {
            MAPPED.remove(address);
            io.rpcool.sandbox.Sandboxes.onUnmapping(entry[0], entry[1]);
            SharedMemory.unmap(entry[0], entry[1]);
            return true;
        }
        return false;
    }

    static synchronized boolean isMapped(final long address)
    {
        return MAPPED.containsKey(address);
    }
}
