package io.rpcool;

import io.rpcool.daemon.AddressSpace;
import io.rpcool.mem.HeapAllocator;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.SharedMemoryExhaustedException;
import io.rpcool.remote.RemoteHeap;
import io.rpcool.remote.RemoteHeapProvider;
import io.rpcool.remote.RemoteHeaps;

/**
 * The connection heap of a {@link Transport#DSM} connection: a {@link RemoteHeap} (one data heap of a
 * fixed size, {@code rpcool.dsm.heapSize}) mapped at the same address by client and server, seen
 * through a {@link SharedHeap} whose operations fail with {@link Status#PEER_GONE} once the peer is
 * gone. The server's range of the address window comes from its daemon ({@code RESERVE_RANGE}); the
 * client formats the heap before its first call, the server attaches on its first call.
 */
final class RemoteDsmHeap
{
    /** How long either side waits for the pager connection and its handshake. */
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final long PAGE = 4096;

    private final RemoteHeap remote;
    private final RemoteHeapGuard guard;
    private final String channelName;
    private final Rpcool server;
    private volatile SharedHeap shared;
    private boolean closed;

    private RemoteDsmHeap(final RemoteHeap remote, final Connection connection, final String channelName, final Rpcool server)
    {
        this.remote = remote;
        this.guard = new RemoteHeapGuard(remote, connection, server == null ? "server" : "client");
        this.channelName = channelName;
        this.server = server;
    }

    /**
     * Why a DSM heap the server offered must be refused, or null: the address must lie in the address
     * window with the whole heap, page aligned; the size must be the one asked for; the port a port.
     */
    static String checkOffer(final long address, final long size, final int port, final long requestedSize)
    {
        if (size != requestedSize)
        {
            return "size " + size + " instead of the " + requestedSize + " bytes asked for";
        }
        if ((address & (PAGE - 1)) != 0 || address < AddressSpace.DEFAULT_BASE || address > AddressSpace.DEFAULT_END - size)
        {
            return String.format("address 0x%x (+%d bytes) is not a page-aligned range of the window [0x%x, 0x%x)",
                address, size, AddressSpace.DEFAULT_BASE, AddressSpace.DEFAULT_END);
        }
        if (port <= 0 || port > 65_535)
        {
            return "pager port " + port;
        }
        return null;
    }

    /** Why a client's DSM heap size must be refused, or null. */
    static String checkSize(final long size)
    {
        if (size < 4 * PAGE || size > SharedHeap.MAX_ALLOCATION + 16384 || (size & (PAGE - 1)) != 0)
        {
            return "DSM heap size " + size + " must be a whole number of pages between 16 KiB and 2 GiB";
        }
        return null;
    }

    /** Client side: map the heap the server offered (refused if anything is mapped there) and format it. */
    static RemoteDsmHeap connect(
        final Connection connection, final String host, final int port, final long address, final long size, final long requestedSize)
    {
        final String bad = checkOffer(address, size, port, requestedSize);
        if (bad != null)
        {
            throw new RpcException(Status.TRANSPORT_FAILED, "the server of " + connection.channelName() +
                " offered a bad DSM heap: " + bad);
        }
        final RemoteHeapProvider provider = RemoteHeaps.ensureAvailable();
        final RemoteHeap remote;
        try
        {
            remote = provider.connect(host, port, address, size, HANDSHAKE_TIMEOUT_MS);
        }
        catch (final RuntimeException e)
        {
            throw new RpcException(Status.TRANSPORT_FAILED, String.format(
                "cannot map the DSM heap of %s at 0x%x (+%d bytes, the address its server's daemon assigned): %s",
                connection.channelName(), address, size, e.getMessage()), e);
        }
        final RemoteDsmHeap heap = new RemoteDsmHeap(remote, connection, connection.channelName(), null);
        try
        {
            heap.shared = heap.guard.run(() -> heap.sharedOver(HeapAllocator.format(heap.region())));
            return heap;
        }
        catch (final RuntimeException e)
        {
            heap.close();
            throw e;
        }
    }

    /** Server side: a range from the daemon and a pager listener for one client. */
    static Offer offer(final Rpcool rpcool, final String host, final long size)
    {
        final RemoteHeapProvider provider = RemoteHeaps.ensureAvailable();
        final long address = rpcool.reserveRange(size);
        try
        {
            return new Offer(rpcool, provider.listen(host), address, size);
        }
        catch (final RuntimeException e)
        {
            rpcool.releaseRange(address);
            throw e;
        }
    }

    /** What the server told a client; {@link #accept} opens the heap when the client comes. */
    static final class Offer
    {
        final Rpcool rpcool;
        final RemoteHeapProvider.Listener listener;
        final long address;
        final long size;

        Offer(final Rpcool rpcool, final RemoteHeapProvider.Listener listener, final long address, final long size)
        {
            this.rpcool = rpcool;
            this.listener = listener;
            this.address = address;
            this.size = size;
        }

        RemoteDsmHeap accept(final String channelName)
        {
            try
            {
                return new RemoteDsmHeap(listener.accept(address, size, HANDSHAKE_TIMEOUT_MS), null, channelName, rpcool);
            }
            catch (final RuntimeException e)
            {
                rpcool.releaseRange(address);
                throw e;
            }
            finally
            {
                listener.close();
            }
        }
    }

    long address()
    {
        return remote.address();
    }

    /** The client's heap view (formatted at connect). */
    SharedHeap shared()
    {
        return shared;
    }

    /**
     * The server's heap view, attached on first use: the client formats the heap before it sends its
     * first call, so the header page the attach reads comes from the client.
     */
    SharedHeap attached()
    {
        SharedHeap s = shared;
        if (s == null)
        {
            synchronized (this)
            {
                s = shared;
                if (s == null)
                {
                    s = guard.run(() -> sharedOver(HeapAllocator.attach(region())));
                    shared = s;
                }
            }
        }
        return s;
    }

    private MemoryRegion region()
    {
        return new MemoryRegion("dsm-" + channelName, remote.address(), remote.size());
    }

    private SharedHeap sharedOver(final HeapAllocator allocator)
    {
        final long size = remote.size();
        final SharedHeap heap = new SharedHeap(size, atLeast ->
        {
            throw new SharedMemoryExhaustedException(atLeast, String.format(
                "the DSM heap of %s (%d bytes, fixed: set rpcool.dsm.heapSize for a larger one)", channelName, size));
        }, guard);
        heap.add(allocator);
        return heap;
    }

    /** Unmap the heap and release its memory (and, on the server, its range of the window). */
    synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        io.rpcool.sandbox.Sandboxes.onUnmapping(remote.address(), remote.size());
        remote.close();
        if (server != null)
        {
            server.releaseRange(remote.address());
        }
    }
}
