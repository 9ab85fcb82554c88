package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import io.rpcool.control.PoolHeap;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSource;
import io.rpcool.seal.SealBackends;

/**
 * Heap memory on this host: an address from the daemon's window and the memory behind it — a
 * sealed memfd, or a heap of the seal backend's heap source (the kernel module) with one-time
 * grants to map it — and, with a cluster, pool heaps whose address and memory the orchestrator
 * owns. Conductor thread only.
 */
final class HeapMapper implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");

    private final AddressSpace addressSpace;
    private final SealBackends.Selection seal;

    HeapMapper(final AddressSpace addressSpace, final SealBackends.Selection seal)
    {
        this.addressSpace = addressSpace;
        this.seal = seal;
    }

    String sealBackendName()
    {
        return seal.backend.name();
    }

    String describeSeal()
    {
        return seal.describe();
    }

    /** True if connection heaps are created through the seal backend (the kernel module). */
    boolean ownsConnectionHeaps()
    {
        return seal.heapSource != null;
    }

    /**
     * A heap of {@code length} bytes at a free address of the window: for a connection heap
     * ({@code ringSlots > 0}) through the seal backend's heap source when it has one, else a memfd.
     *
     * @throws HeapRefusal with the error code and reason when the window is full or memory cannot be made.
     */
    HeapRecord create(final long id, final long length, final int ringSlots)
    {
        final long address = addressSpace.allocate(length);
        if (address < 0)
        {
            throw new HeapRefusal(E_ADDRESS_SPACE_FULL, "the daemon's heap address window is full");
        }
        final HeapSource source = ringSlots > 0 ? seal.heapSource : null;
        int fd = -1;
        long sourceId = 0;
        try
        {
            if (source == null)
            {
                fd = SharedMemory.createSealed("rpcool-heap-" + id, length);
            }
            else
            {
                sourceId = source.create(length, ringSlots);
            }
        }
        catch (final RuntimeException e)
        {
            addressSpace.free(address);
            throw new HeapRefusal(E_BAD_REQUEST, "cannot create heap memory: " + e.getMessage());
        }
        return new HeapRecord(id, address, length, fd, source == null ? HEAP_KIND_MEMFD : seal.backend.kind(), sourceId);
    }

    /**
     * Keep the window's range {@code [address, address + length)} out of new heaps: a process maps
     * a heap there that an earlier daemon handed out.
     *
     * @return false if it overlaps a heap of this daemon (or a different reserved range).
     */
    boolean reserve(final long address, final long length)
    {
        return addressSpace.reserve(address, length);
    }

    /** A free range of the window held like a reserved one (no memory), or -1 if the window is full. */
    long reserveFree(final long length)
    {
        return addressSpace.allocateReserved(length);
    }

    void unreserve(final long address)
    {
        addressSpace.unreserve(address);
    }

    /** A heap of the cluster's pool, as the control plane created or opened it. */
    HeapRecord pooled(final long id, final PoolHeap ph, final int initialLeasePid)
    {
        final HeapRecord heap = new HeapRecord(id, ph.address(), ph.length(), ph.fd(), HEAP_KIND_MEMFD, 0);
        heap.pooled = true;
        heap.initialLeasePid = initialLeasePid;
        return heap;
    }

    /**
     * A one-time grant for {@code pid} to map a heap of the seal backend's source, or 0 for a memfd
     * (its descriptor travels with the message).
     */
    long grant(final HeapRecord heap, final int pid, final boolean receiver)
    {
        return heap.sourceId == 0 ? 0 : seal.heapSource.grant(heap.sourceId, pid, receiver);
    }

    /**
     * Nobody maps the heap any more: close its descriptor and give memory and address back (a pool
     * heap's are the orchestrator's, reclaimed once its last lease in the cluster is gone).
     */
    void release(final HeapRecord heap)
    {
        SharedMemory.close(heap.fd);
        if (heap.pooled)
        {
            return;
        }
        if (heap.sourceId != 0)
        {
            try
            {
                seal.heapSource.destroy(heap.sourceId);
            }
            catch (final RuntimeException e)
            {
                LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: cannot destroy heap " + heap.id + ": " + e.getMessage());
            }
        }
        addressSpace.free(heap.address);
    }

    @Override
    public void close()
    {
        // Closing the module's daemon file unlists its heaps; processes that map them keep them.
        if (seal.heapSource != null)
        {
            seal.heapSource.close();
        }
    }

    /** A heap the daemon cannot hand out, with the error code to reply with. */
    static final class HeapRefusal extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int code;

        HeapRefusal(final int code, final String message)
        {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
