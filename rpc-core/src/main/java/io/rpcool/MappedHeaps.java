package io.rpcool;

import java.util.HashMap;
import java.util.Map;

import io.rpcool.nativeio.AddressClashException;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.SealBackend;
import io.rpcool.seal.SealBackends;
import io.rpcool.seal.SealException;

/**
 * Heaps mapped by this process, counted by use and keyed by address (a process holds one mapping
 * per address): when the client and the server of a connection live in one process they share the
 * single mapping. A heap is either a memfd the daemon passed, or memory owned by a seal backend and
 * mapped by redeeming a grant ({@link #attach}).
 */
final class MappedHeaps
{
    private static final Map<Long, long[]> MAPPED = new HashMap<>();

    private MappedHeaps()
    {
    }

    /**
     * Map heap {@code heapId} at {@code address}, from {@code fileOffset} of its descriptor (a pool
     * device's range; 0 otherwise), unless this process already maps it.
     */
    static synchronized void map(final long heapId, final int fd, final long address, final long length, final long fileOffset)
    {
        if (reuse(heapId, address, length))
        {
            return;
        }
        SharedMemory.mapFixed(fd, address, length, fileOffset);
        MAPPED.put(address, new long[] {address, length, 1, heapId});
    }

    /**
     * Redeem the daemon's grant {@code token} for a heap owned by the seal backend of
     * {@code heapKind}, mapping it at {@code address} unless this process already maps it.
     *
     * @return the seals of this attachment (sender's for the client end, receiver's for the server end).
     */
    static synchronized HeapSeals attach(
        final long heapId, final int heapKind, final long token, final long address, final long length, final boolean receiver)
    {
        final SealBackend backend = SealBackends.byKind(heapKind);
        if (backend == null || !backend.isAvailable())
        {
            throw new SealException(SealException.Reason.UNAVAILABLE, "the daemon hands out heaps of seal kind " + heapKind +
                (backend == null ? ", whose backend is not on this process's class path" :
                " through the '" + backend.name() + "' seal backend, which this process cannot use: " + backend.unavailabilityCause()));
        }
        final boolean mapped = MAPPED.containsKey(address);
        if (mapped)
        {
            final long[] entry = MAPPED.get(address);
            if (entry[3] != heapId || entry[1] != length)
            {
                throw new AddressClashException(address, length);
            }
        }
        final HeapSeals seals = backend.attach(token, address, length, !mapped, receiver);
        if (mapped)
        {
            MAPPED.get(address)[2]++;
        }
        else
        {
            MAPPED.put(address, new long[] {address, length, 1, heapId});
        }
        return seals;
    }

    private static boolean reuse(final long heapId, final long address, final long length)
    {
        final long[] entry = MAPPED.get(address);
        if (entry == null)
        {
            return false;
        }
        if (entry[3] != heapId || entry[1] != length)
        {
            throw new AddressClashException(address, length);
        }
        entry[2]++;
        return true;
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

    /** Address and length of every heap this process maps, in pairs. */
    static synchronized long[] ranges()
    {
        final long[] ranges = new long[2 * MAPPED.size()];
        int i = 0;
        for (final long[] entry : MAPPED.values())
        {
            ranges[i++] = entry[0];
            ranges[i++] = entry[1];
        }
        return ranges;
    }

    static synchronized boolean isMapped(final long address)
    {
        return MAPPED.containsKey(address);
    }
}
