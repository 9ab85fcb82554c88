package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.rpcool.daemon.DaemonClient;
import io.rpcool.mem.HeapAllocator;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.nativeio.SharedMemory;

/**
 * The data heaps this process maps, by owner ({@link HeapOwner}): each owner's {@link SharedHeap},
 * created on first use, which grows by asking the daemon for another heap; heaps another party
 * added, mapped when the daemon pushes them; and their release when the owner closes. Thread-safe:
 * allocating threads, API calls and the conductor (pushes) all reach it.
 */
final class DataHeapRegistry
{
    private final DaemonClient daemon;
    private final long defaultHeapSize;
    private final Map<HeapOwner, SharedHeap> heaps = new ConcurrentHashMap<>();
    /** Heap ids of the data heaps this process maps, by address. */
    private final Map<Long, Long> heapIds = new ConcurrentHashMap<>();
    private final Map<HeapOwner, List<Long>> addressesByOwner = new ConcurrentHashMap<>();

    DataHeapRegistry(final DaemonClient daemon, final long defaultHeapSize)
    {
        this.daemon = daemon;
        this.defaultHeapSize = defaultHeapSize;
    }

    /**
     * The data heap of {@code owner} in this process, created (empty) on first use.
     */
    SharedHeap heapOf(final HeapOwner owner)
    {
        return heaps.computeIfAbsent(owner, o -> new SharedHeap(defaultHeapSize, size -> addHeap(o, size)));
    }

    /**
     * Ask the daemon for a new data heap of {@code owner}, map and format it, and return once every
     * other party has mapped it too.
     */
    HeapAllocator addHeap(final HeapOwner owner, final long size)
    {
        final DaemonClient.Reply reply = daemon.request(ADD_HEAP, m -> m.putInt(owner.scope()).putLong(owner.id()).putLong(size));
        final long heapId = reply.getLong();
        final long address = reply.getLong();
        final long length = reply.getLong();
        map(reply, heapId, address, length, reply.getLong());
        final HeapAllocator heap;
        try
        {
            heap = HeapAllocator.format(new MemoryRegion("heap-" + heapId, address, length));
            daemon.request(HEAP_READY, m -> m.putLong(heapId));
        }
        catch (final RuntimeException e)
        {
            releaseHeap(address, heapId);
            throw e;
        }
        mapped(owner, address, heapId);
        return heap;
    }

    /** Map a data heap that already exists (a channel's shared heap) and add it to {@code into}. */
    long mapExisting(final long heapId, final SharedHeap into)
    {
        final DaemonClient.Reply reply = daemon.request(MAP_HEAP, m -> m.putLong(heapId));
        reply.getLong();
        final long address = reply.getLong();
        final long length = reply.getLong();
        map(reply, heapId, address, length, reply.getLong());
        heapIds.put(address, heapId);
        attach(into, heapId, address, length);
        return address;
    }

    /**
     * The daemon pushed a heap another party of {@code owner} added: map it and add it to the
     * owner's heap (conductor thread).
     *
     * @return null if mapped, else why not.
     */
    String onNewHeap(final HeapOwner owner, final long heapId, final long address, final long length, final long fileOffset,
        final int fd)
    {
        try
        {
            MappedHeaps.map(heapId, fd, address, length, fileOffset);
            mapped(owner, address, heapId);
            final SharedHeap heap = heaps.get(owner);
            if (heap != null)
            {
                attach(heap, heapId, address, length);
            }
            return null;
        }
        catch (final RuntimeException e)
        {
            return String.valueOf(e.getMessage());
        }
        finally
        {
            closeFd(fd);
        }
    }

    /** Map the heap whose memory came with {@code reply}, and close the descriptor either way. */
    private static void map(final DaemonClient.Reply reply, final long heapId, final long address, final long length,
        final long fileOffset)
    {
        try
        {
            MappedHeaps.map(heapId, reply.fd, address, length, fileOffset);
        }
        finally
        {
            closeFd(reply.fd);
        }
    }

    private static void attach(final SharedHeap heap, final long heapId, final long address, final long length)
    {
        synchronized (heap)
        {
            for (final HeapAllocator h : heap.heaps())
            {
                if (h.region().base() == address)
                {
                    return;
                }
            }
            heap.add(HeapAllocator.attach(new MemoryRegion("heap-" + heapId, address, length)));
        }
    }

    private void mapped(final HeapOwner owner, final long address, final long heapId)
    {
        heapIds.put(address, heapId);
        addressesByOwner.computeIfAbsent(owner, k -> new CopyOnWriteArrayList<>()).add(address);
    }

    /** True if this process maps a data heap of {@code owner} at one of {@code addresses}. */
    boolean mapsAny(final HeapOwner owner, final java.util.Set<Long> addresses)
    {
        final List<Long> mapped = addressesByOwner.get(owner);
        if (mapped != null)
        {
            for (final long address : mapped)
            {
                if (addresses.contains(address))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** Release every data heap of {@code owner}, e.g. when its connection closes. */
    void release(final HeapOwner owner)
    {
        heaps.remove(owner);
        final List<Long> addresses = addressesByOwner.remove(owner);
        if (addresses != null)
        {
            for (final long address : addresses)
            {
                releaseUse(address);
            }
        }
    }

    /** Drop one use of the data heap at {@code address}. */
    void releaseUse(final long address)
    {
        final Long id = heapIds.get(address);
        releaseHeap(address, id == null ? -1 : id);
    }

    /** Unmap one use of a data heap; tell the daemon when this process no longer maps it. */
    private void releaseHeap(final long address, final long heapId)
    {
        if (MappedHeaps.unmap(address) && !daemon.isClosed())
        {
            heapIds.remove(address);
            try
            {
                daemon.requestOrTell(DETACH, m -> m.putLong(heapId));
            }
            catch (final RuntimeException e)
            {
                // The daemon reclaims the heap when this process exits.
            }
        }
    }

    static void closeFd(final int fd)
    {
        if (fd >= 0)
        {
            SharedMemory.close(fd);
        }
    }
}
