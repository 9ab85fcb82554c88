package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import io.rpcool.layout.ConnectionDescriptor;

/**
 * The conductor's handling of a new connection: a client asks for a channel (found here or, with
 * a cluster, on another host), gets a connection heap within its and the server's quota (or the
 * TCP fallback's address in another memory domain), lays it out, and the server is asked to accept
 * it. Runs on the conductor thread, on its registries.
 */
final class ConnectionBroker
{
    private final DaemonConductor conductor;

    ConnectionBroker(final DaemonConductor conductor)
    {
        this.conductor = conductor;
    }

    void onConnect(
        final ProcessRecord process, final long requestId, final String name, final int slots, final int bufferSize,
        final String domain)
    {
        final long length;
        try
        {
            length = ConnectionDescriptor.heapLength(slots, bufferSize);
        }
        catch (final IllegalArgumentException e)
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, e.getMessage());
            return;
        }
        final ConnectRequest request = new ConnectRequest(process, requestId, name, slots, length, domain);
        final ChannelRecord channel = conductor.channels.get(name);
        if (channel == null && conductor.remote != null)
        {
            conductor.remote.find(name, (found, failure) ->
            {
                if (failure != null)
                {
                    conductor.proxy.error(process, requestId, RemotePeers.code(failure, E_PEER_UNAVAILABLE), failure.getMessage());
                }
                else
                {
                    connect(request, found, false);
                }
            });
            return;
        }
        connect(request, channel, false);
    }

    private void connect(final ConnectRequest r, final ChannelRecord channel, final boolean waited)
    {
        final ProcessRecord process = r.client;
        if (process.gone)
        {
            return;
        }
        if (channel == null)
        {
            conductor.proxy.error(process, r.requestId, E_NO_SUCH_CHANNEL, "no channel named " + r.name + " is open" +
                (conductor.cluster == null ? "" : " in the cluster"));
            return;
        }
        if (!channel.domain.equals(r.domain))
        {
            conductor.proxy.connectTcp(process, r.requestId, channel);
            return;
        }
        for (final ProcessRecord p : new ProcessRecord[] {process, channel.owner})
        {
            if (p.isLocal() && p.quotaUsed + r.length > conductor.config.quotaBytes())
            {
                if (!waited && !p.releasing.isEmpty())
                {
                    // Heaps of connections closed a moment ago are still on their way back: wait for them.
                    conductor.defer(p, r.length, () -> connect(r, channel, true));
                    return;
                }
                conductor.refuseQuota(process, r.requestId, String.format(
                    "a connection heap of %d bytes would take %s process %d over its shared-memory quota of %d bytes " +
                    "(%d in use; set with --quota or rpcool.quota.bytes)",
                    r.length, p == process ? "this" : "server", p.pid, conductor.config.quotaBytes(), p.quotaUsed));
                return;
            }
        }
        if (conductor.remote != null)
        {
            conductor.remote.createHeap(process, r.requestId, r.length, "connection heap of " + r.name, heap ->
            {
                final ConnectionRecord conn = new ConnectionRecord(conductor.nextId(), channel, process, heap);
                conductor.connections.put(conn.id, conn);
                conductor.map(heap, process);
                conductor.counters.connectionsMade.increment();
                conductor.proxy.connectHeap(process, r.requestId, conn, 0);
            });
            return;
        }
        final HeapRecord heap;
        final long token;
        try
        {
            heap = conductor.heapMapper.create(conductor.nextId(), r.length, r.slots);
            try
            {
                token = conductor.heapMapper.grant(heap, process.pid, false);
            }
            catch (final RuntimeException e)
            {
                conductor.heapMapper.release(heap);
                throw new HeapMapper.HeapRefusal(E_BAD_REQUEST, "cannot grant the connection heap: " + e.getMessage());
            }
        }
        catch (final HeapMapper.HeapRefusal e)
        {
            conductor.proxy.error(process, r.requestId, e.code, e.getMessage());
            return;
        }
        conductor.heaps.put(heap.id, heap);
        conductor.counters.heapsCreated.increment();
        final ConnectionRecord conn = new ConnectionRecord(conductor.nextId(), channel, process, heap);
        conductor.connections.put(conn.id, conn);
        conductor.map(heap, process);
        conductor.counters.connectionsMade.increment();
        conductor.proxy.connectHeap(process, r.requestId, conn, token);
    }

    void onConnectReady(final ProcessRecord process, final long requestId, final long connectionId)
    {
        connectReady(process, requestId, connectionId, false);
    }

    private void connectReady(final ProcessRecord process, final long requestId, final long connectionId, final boolean waited)
    {
        final ConnectionRecord conn = conductor.connections.get(connectionId);
        if (process.gone)
        {
            return;
        }
        if (conn == null || conn.client != process)
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "no pending connection " + connectionId);
            return;
        }
        final ProcessRecord owner = conn.channel.owner;
        if (!owner.isLocal())
        {
            conductor.remote.connect(process, requestId, conn);
            return;
        }
        if (!conn.heap.mappers.containsKey(owner) && owner.quotaUsed + conn.heap.length > conductor.config.quotaBytes())
        {
            if (!waited && !owner.releasing.isEmpty())
            {
                conductor.defer(owner, conn.heap.length, () -> connectReady(process, requestId, connectionId, true));
                return;
            }
            conductor.refuseQuota(process, requestId, String.format("the server process %d of %s is at its shared-memory quota of %d bytes",
                owner.pid, conn.channel.name, conductor.config.quotaBytes()));
            return;
        }
        final long serverToken;
        try
        {
            serverToken = conductor.heapMapper.grant(conn.heap, owner.pid, true);
        }
        catch (final RuntimeException e)
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "cannot grant the server the connection heap: " + e.getMessage());
            return;
        }
        conductor.map(conn.heap, owner);
        final long pushId = conductor.nextId();
        conductor.answers.awaitFrom(owner, pushId, conductor.deadline(), "server process " + owner.pid + " did not answer within " +
            conductor.config.peerAnswerTimeoutMs() + " ms", reason ->
            {
                if (reason.isEmpty() && conductor.connections.get(conn.id) == conn)
                {
                    conn.accepted = true;
                    conductor.proxy.connectReady(process, requestId, owner.pid, conn.channel.id, conn.channel.sharedHeaps);
                }
                else
                {
                    conductor.connections.remove(conn.id, conn);
                    conductor.unmap(conn.heap, owner);
                    conductor.proxy.error(process, requestId, E_REJECTED, reason.isEmpty() ? "the connection was closed" : reason);
                }
            });
        if (!conductor.proxy.newConnection(owner, pushId, conn, process.pid, serverToken))
        {
            conductor.answers.complete(pushId, "server process " + owner.pid + " is not reachable");
        }
    }

    void onConnectAbort(final ProcessRecord process, final long requestId, final long connectionId)
    {
        final ConnectionRecord conn = conductor.connections.get(connectionId);
        if (conn != null && conn.client == process)
        {
            conductor.connections.remove(connectionId);
        }
        conductor.proxy.ok(process, requestId);
    }

    private record ConnectRequest(ProcessRecord client, long requestId, String name, int slots, long length, String domain)
    {
    }
}
