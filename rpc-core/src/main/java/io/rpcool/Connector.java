package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.*;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.daemon.DaemonClient;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.ConnectionHeaderDescriptor;
import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.Processes;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.MprotectSealBackend;
import io.rpcool.seal.SealPolicy;

/**
 * Turns {@link Rpcool#connect} into a connection: asks the daemon where the channel is, and either
 * maps the connection heap it hands out, lays it out and waits for the server to accept it (shared
 * memory), or connects to the channel's fallback address (another memory domain, or an explicit
 * host and port). This is where a transport is chosen for a connection.
 */
final class Connector
{
    /** The layout version a client writes into new connection heaps; tests change it to check refusals. */
    static int layoutVersionForTesting = ConnectionHeaderDescriptor.LAYOUT_VERSION;

    private final Rpcool rpcool;
    private final RpcoolContext context;
    private final DaemonClient daemon;
    private final TcpTransport tcp;
    private final DataHeapRegistry heaps;
    private final ClientConductor conductor;

    Connector(
        final Rpcool rpcool,
        final DaemonClient daemon,
        final TcpTransport tcp,
        final DataHeapRegistry heaps,
        final ClientConductor conductor)
    {
        this.rpcool = rpcool;
        this.context = rpcool.context();
        this.daemon = daemon;
        this.tcp = tcp;
        this.heaps = heaps;
        this.conductor = conductor;
    }

    Connection connect(final String name, final ConnectOptions options)
    {
        final int slots = options.slots() > 0 ? options.slots() : context.slots();
        final int requestedSize = options.bufferSize() > 0 ? options.bufferSize() : context.bufferSize();
        final int bufferSize = options.sealing() ? ConnectionDescriptor.sealableBufferSize(requestedSize) : requestedSize;
        ConnectionDescriptor.checkCapacity(slots, bufferSize);
        final Transport choice = options.transport();
        if (options.host() != null)
        {
            return connectRemote(options.host(), options.port(), name, slots, bufferSize, choice);
        }
        final DaemonClient.Reply reply = daemon.request(CONNECT,
            m -> m.putString(name).putInt(slots).putInt(bufferSize).putString(context.domain()));
        if (reply.type == CONNECT_TCP)
        {
            final String host = reply.getString();
            final int port = reply.getInt();
            return connectRemote(host, port, name, slots, bufferSize, choice);
        }
        if (choice == Transport.TCP || choice == Transport.DSM)
        {
            final long connectionId = reply.getLong();
            final long heapId = reply.getLong();
            DataHeapRegistry.closeFd(reply.fd);
            final String why = "Transport." + choice + " was asked for, but " + name + " is served in this process's memory domain (" +
                context.domain() + "), where connections share memory: leave the transport to the automatic choice, or reach the " +
                "channel with ConnectOptions.remote(host, port)";
            abort(connectionId, heapId, why);
            throw new RpcException(Status.TRANSPORT_FAILED, why);
        }
        return connectShared(name, options, slots, bufferSize, reply);
    }

    /**
     * A connection to a server in another memory domain: over the DSM when asked, or when chosen
     * automatically and both sides can run it (a server that cannot is asked again for the copy
     * fallback); else over the copy fallback.
     */
    private Connection connectRemote(
        final String host, final int port, final String name, final int slots, final int bufferSize, final Transport choice)
    {
        if (choice == Transport.SHARED_MEMORY)
        {
            throw new RpcException(Status.TRANSPORT_FAILED, "Transport.SHARED_MEMORY was asked for, but " + name +
                " is served in another memory domain (this process's is " + context.domain() + "): no memory is shared with it");
        }
        if (choice == Transport.TCP || choice == null && !io.rpcool.remote.RemoteHeaps.isAvailable())
        {
            return tcp.connect(host, port, name, slots, bufferSize);
        }
        if (choice == Transport.DSM)
        {
            final String cause = io.rpcool.remote.RemoteHeaps.unavailabilityCause();
            if (cause != null)
            {
                throw new RpcException(Status.TRANSPORT_FAILED, "Transport.DSM was asked for " + name + ", but " + cause);
            }
        }
        final long heapSize = io.rpcool.config.Setting.DSM_HEAP_SIZE.longValue();
        try
        {
            return tcp.connect(host, port, name, slots, bufferSize, Transport.DSM, heapSize);
        }
        catch (final RpcException e)
        {
            if (choice == null && (e.status() == Status.TRANSPORT_FAILED ||
                e.getMessage() != null && e.getMessage().contains(TcpFrames.DSM_REFUSAL)))
            {
                // The automatic choice takes the DSM only where it works: a server that refuses it, or a
                // heap that cannot be set up (such as a server in this very process, whose pager and heap
                // would share this address space), leaves the copy fallback.
                return tcp.connect(host, port, name, slots, bufferSize);
            }
            throw e;
        }
    }

    private void abort(final long connectionId, final long heapId, final String reason)
    {
        try
        {
            daemon.request(CONNECT_ABORT, m -> m.putLong(connectionId).putString(reason));
            daemon.request(DETACH, m -> m.putLong(heapId));
        }
        catch (final RuntimeException ignore)
        {
            // The daemon drops the heap when this process exits.
        }
    }

    private ShmConnection connectShared(
        final String name, final ConnectOptions options, final int slots, final int bufferSize, final DaemonClient.Reply reply)
    {
        final long connectionId = reply.getLong();
        final long heapId = reply.getLong();
        final long address = reply.getLong();
        final long length = reply.getLong();
        final int heapKind = reply.getInt();
        final long token = reply.getLong();
        final long fileOffset = reply.getLong();
        final int fd = reply.fd;
        boolean mapped = false;
        HeapSeals seals = null;
        try
        {
            if (heapKind == HEAP_KIND_MEMFD)
            {
                if (fd < 0)
                {
                    throw new IllegalStateException("the daemon sent no memory with the connection heap");
                }
                MappedHeaps.map(heapId, fd, address, length, fileOffset);
            }
            else
            {
                seals = MappedHeaps.attach(heapId, heapKind, token, address, length, false);
            }
            mapped = true;
            final UnsafeBuffer heap = new UnsafeBuffer(address, (int)length);
            ConnectionDescriptor.initialise(heap, heapId, address, connectionId, slots, bufferSize, layoutVersionForTesting);
            heap.putLong(ConnectionDescriptor.CLIENT_PID_OFFSET, Native.pid());
            heap.putIntVolatile(ConnectionDescriptor.CLIENT_STATE_OFFSET, ConnectionDescriptor.STATE_OPEN);
            if (seals == null)
            {
                seals = MprotectSealBackend.forHeap(address, heap,
                    (int)ConnectionDescriptor.sealDescriptorsOffset(slots, ConnectionDescriptor.queueCapacity(slots)),
                    slots, heapId, Native.pid());
            }
            final int threshold = options.sealReleaseThreshold() > 0 ? options.sealReleaseThreshold() : context.sealReleaseThreshold();
            final int copyBelow = options.copyBelow() >= 0 ? options.copyBelow() : SealPolicy.copyBelow();
            final ShmConnection conn = new ShmConnection(rpcool, name, connectionId, heapId, address, length, slots, bufferSize,
                seals, threshold, copyBelow);
            conductor.add(conn);
            final DaemonClient.Reply ready;
            try
            {
                ready = daemon.request(CONNECT_READY, m -> m.putLong(connectionId));
            }
            catch (final RuntimeException e)
            {
                conductor.remove(conn);
                throw e;
            }
            conn.serverPid = ready.getInt();
            conn.serverPidfd = Processes.openPidfd(conn.serverPid);
            final long channelId = ready.getLong();
            final int channelHeaps = ready.getInt();
            if (channelHeaps > 0)
            {
                final SharedHeap shared = heaps.heapOf(HeapOwner.channel(channelId));
                conn.dataHeap = shared;
                for (int i = 0; i < channelHeaps; i++)
                {
                    final long id = ready.getLong();
                    conn.mappedChannelHeaps.add(heaps.mapExisting(id, shared));
                }
            }
            else
            {
                conn.dataHeap = heaps.heapOf(HeapOwner.connection(connectionId));
            }
            return conn;
        }
        catch (final RuntimeException e)
        {
            if (seals != null)
            {
                seals.close();
            }
            if (mapped)
            {
                MappedHeaps.unmap(address);
            }
            abort(connectionId, heapId, String.valueOf(e.getMessage()));
            throw e;
        }
        finally
        {
            DataHeapRegistry.closeFd(fd);
        }
    }
}
