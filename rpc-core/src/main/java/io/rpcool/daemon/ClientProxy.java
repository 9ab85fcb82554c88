package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.List;
import java.util.function.Consumer;

/**
 * Encodes what the daemon sends processes (replies to their requests, and pushes) and sends it
 * without blocking: a process whose socket is full has stopped reading its control socket, and is
 * disconnected rather than allowed to stall the daemon ({@code onStuck}). Conductor thread only.
 */
final class ClientProxy
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");

    /** Where encoded messages go: a process's socket, or a test's record of what would have been sent. */
    interface Sink
    {
        /**
         * @return true if sent, false if the process's socket is full.
         */
        boolean send(ProcessRecord to, Message message);
    }

    /** Sends to the process's control socket without blocking. */
    static final Sink SOCKETS = (to, message) -> message.sendNow(to.socket);

    private final Sink sink;
    private final Consumer<ProcessRecord> onStuck;

    ClientProxy(final Sink sink, final Consumer<ProcessRecord> onStuck)
    {
        this.sink = sink;
        this.onStuck = onStuck;
    }

    void ok(final ProcessRecord to, final long requestId)
    {
        send(to, Message.outgoing().begin(OK, requestId));
    }

    void error(final ProcessRecord to, final long requestId, final int code, final String message)
    {
        send(to, Message.outgoing().begin(ERROR, requestId).putInt(code).putString(message));
    }

    void hello(final ProcessRecord to, final long requestId, final int daemonPid, final int idleLevel, final long quotaBytes,
        final String sealBackend, final long leaseTimeoutMs, final String hostId)
    {
        send(to, Message.outgoing().begin(OK, requestId).putInt(daemonPid).putInt(idleLevel).putLong(quotaBytes)
            .putString(sealBackend).putLong(leaseTimeoutMs).putString(hostId));
    }

    void reattached(final ProcessRecord to, final long requestId, final int daemonPid, final int idleLevel, final long quotaBytes,
        final String sealBackend, final long leaseTimeoutMs, final String hostId, final long[] channelIds, final String[] reasons)
    {
        final Message m = Message.outgoing().begin(OK, requestId).putInt(daemonPid).putInt(idleLevel).putLong(quotaBytes)
            .putString(sealBackend).putLong(leaseTimeoutMs).putString(hostId).putInt(channelIds.length);
        for (int i = 0; i < channelIds.length; i++)
        {
            m.putLong(channelIds[i]).putString(reasons[i]);
        }
        send(to, m);
    }

    void rangeReserved(final ProcessRecord to, final long requestId, final long address)
    {
        send(to, Message.outgoing().begin(OK, requestId).putLong(address));
    }

    void channelOpened(final ProcessRecord to, final long requestId, final long channelId)
    {
        send(to, Message.outgoing().begin(OK, requestId).putLong(channelId));
    }

    void connectHeap(final ProcessRecord to, final long requestId, final ConnectionRecord conn, final long token)
    {
        final HeapRecord heap = conn.heap;
        send(to, Message.outgoing().begin(CONNECT_HEAP, requestId).putLong(conn.id).putLong(heap.id).putLong(heap.address)
            .putLong(heap.length).putInt(heap.kind).putLong(token).fd(heap.fd));
    }

    void connectTcp(final ProcessRecord to, final long requestId, final ChannelRecord channel)
    {
        send(to, Message.outgoing().begin(CONNECT_TCP, requestId).putString(channel.host).putInt(channel.port)
            .putString(channel.domain));
    }

    /** The server accepted: its pid (0 across hosts), the channel, the channel's shared heaps. */
    void connectReady(final ProcessRecord to, final long requestId, final int serverPid, final long channelId,
        final List<HeapRecord> sharedHeaps)
    {
        final Message m = Message.outgoing().begin(OK, requestId).putInt(serverPid).putLong(channelId).putInt(sharedHeaps.size());
        for (final HeapRecord h : sharedHeaps)
        {
            m.putLong(h.id);
        }
        send(to, m);
    }

    void heap(final ProcessRecord to, final long requestId, final HeapRecord heap)
    {
        send(to, Message.outgoing().begin(HEAP, requestId).putLong(heap.id).putLong(heap.address).putLong(heap.length).fd(heap.fd));
    }

    void leaseRenewed(final ProcessRecord to, final long requestId, final long leaseTimeoutMs)
    {
        send(to, Message.outgoing().begin(OK, requestId).putLong(leaseTimeoutMs));
    }

    void stat(final ProcessRecord to, final long requestId, final String report)
    {
        send(to, Message.outgoing().begin(OK, requestId).putString(report));
    }

    /** Push: a client connected to the server's channel; the server answers ACCEPT or REJECT. */
    boolean newConnection(final ProcessRecord server, final long pushId, final ConnectionRecord conn, final int clientPid,
        final long token)
    {
        final HeapRecord heap = conn.heap;
        return send(server, Message.outgoing().begin(NEW_CONNECTION, pushId).putLong(conn.id).putLong(conn.channel.id)
            .putLong(heap.id).putLong(heap.address).putLong(heap.length).putInt(clientPid).putInt(heap.kind).putLong(token)
            .fd(heap.fd));
    }

    /** Push: another party added a data heap; the process maps it and answers ACCEPT or REJECT. */
    boolean newHeap(final ProcessRecord to, final long pushId, final HeapRecord heap)
    {
        return send(to, Message.outgoing().begin(NEW_HEAP, pushId).putInt(heap.scope).putLong(heap.ownerId)
            .putLong(heap.id).putLong(heap.address).putLong(heap.length).fd(heap.fd));
    }

    /** Push: the other end of a connection went away. */
    void peerGone(final ProcessRecord to, final long pushId, final long connectionId, final int pid, final String reason)
    {
        send(to, Message.outgoing().begin(PEER_GONE, pushId).putLong(connectionId).putInt(pid).putString(reason));
    }

    /**
     * Push: this host fenced itself; the process stops using and unmaps {@code heaps}.
     *
     * @return false if the process could not be told (it is then disconnected).
     */
    boolean fenced(final ProcessRecord to, final long pushId, final String reason, final List<HeapRecord> heaps)
    {
        final Message m = Message.outgoing().begin(FENCED, pushId).putString(reason).putInt(heaps.size());
        for (final HeapRecord h : heaps)
        {
            m.putLong(h.address);
        }
        return send(to, m);
    }

    /** Push: the host's load moved the adaptive wait to another mode. */
    void idleLevel(final ProcessRecord to, final int level)
    {
        send(to, Message.outgoing().begin(IDLE_LEVEL, 0).putInt(level));
    }

    /**
     * @return true if sent; false if the process is gone or of another host, or its socket is full
     * (then it is disconnected).
     */
    private boolean send(final ProcessRecord to, final Message message)
    {
        if (!to.isLocal() || to.gone)
        {
            return false;
        }
        try
        {
            if (sink.send(to, message))
            {
                return true;
            }
            LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: process " + to.pid + " (" + to.name +
                ") does not read its control socket; disconnecting it");
        }
        catch (final RuntimeException e)
        {
            // The socket failed: the process is going, the adapter will see the socket close.
        }
        onStuck.accept(to);
        return false;
    }
}
