package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.rpcool.control.ChannelEntry;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.PoolHeap;

/**
 * The conductor's dealings with other hosts of the cluster: channels published and found through
 * the control plane, pool heaps and their leases, and the {@link PeerMessages} that set up and tear
 * down connections whose ends live on two hosts. Every control-plane call goes through the
 * {@link ClusterLink} (never blocking the conductor); everything here runs on the conductor thread
 * and reads and writes the conductor's registries.
 */
final class RemotePeers
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");

    private final DaemonConductor conductor;
    private final ClusterLink cluster;
    /** Processes of other hosts that are ends of connections with this host, by "host/pid". */
    private final Map<String, ProcessRecord> remoteProcesses = new LinkedHashMap<>();

    RemotePeers(final DaemonConductor conductor, final ClusterLink cluster)
    {
        this.conductor = conductor;
        this.cluster = cluster;
    }

    /** A refusal from the control plane, with the error code to reply with. */
    static final class Refusal extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int code;

        Refusal(final int code, final String message)
        {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** The error code a process gets for a control-plane failure: its own for a fence, a full pool, a taken name. */
    static int code(final RuntimeException failure, final int otherwise)
    {
        if (failure instanceof ControlPlaneException)
        {
            switch (((ControlPlaneException)failure).reason())
            {
                case ControlPlaneException.FENCED: return E_FENCED;
                case ControlPlaneException.POOL_FULL: return E_ADDRESS_SPACE_FULL;
                case ControlPlaneException.CHANNEL_EXISTS: return E_CHANNEL_EXISTS;
                default: break;
            }
        }
        return otherwise;
    }

    // ---------------------------------------------------------------------------- channels, heaps

    /** Publish a channel opened here; {@code then} gets null or the refusal. */
    void publish(final ChannelRecord channel, final Consumer<Refusal> then)
    {
        final ChannelEntry entry = new ChannelEntry(channel.name, cluster.hostId(), channel.id, channel.owner.pid, channel.domain,
            channel.host, channel.port);
        cluster.call(() ->
        {
            cluster.control().publishChannel(entry);
            return Boolean.TRUE;
        }, (ok, failure) -> then.accept(failure == null ? null : new Refusal(code(failure, E_PEER_UNAVAILABLE), failure.getMessage())));
    }

    void withdraw(final String name)
    {
        cluster.run("cannot withdraw channel " + name, () -> cluster.control().withdrawChannel(name));
    }

    /** Find a channel served on another host; {@code then} gets its record (null if none) or the failure. */
    void find(final String name, final BiConsumer<ChannelRecord, RuntimeException> then)
    {
        cluster.call(() -> cluster.control().findChannel(name), (entry, failure) ->
            then.accept(failure == null ? remoteChannel(entry) : null, failure));
    }

    /**
     * A new heap in the cluster's pool for {@code creator}, registered with the conductor; on
     * failure (or while the host is fenced) the process gets the error and {@code then} does not run.
     */
    void createHeap(final ProcessRecord creator, final long requestId, final long length, final String purpose,
        final Consumer<HeapRecord> then)
    {
        if (conductor.fence.isFenced())
        {
            conductor.proxy.error(creator, requestId, E_FENCED, conductor.fence.refusal());
            return;
        }
        final long epoch = conductor.fence.epoch();
        cluster.call(() -> cluster.control().createHeap(length, creator.pid, purpose), (ph, failure) ->
        {
            if (failure != null)
            {
                conductor.proxy.error(creator, requestId, code(failure, E_PEER_UNAVAILABLE),
                    "cannot create a heap in the cluster's pool: " + failure.getMessage());
                return;
            }
            if (creator.gone || epoch != conductor.fence.epoch())
            {
                // Created before a fence came: never handed out (its lease may be of a session about to expire).
                io.rpcool.nativeio.SharedMemory.close(ph.fd());
                releaseLease(ph.address(), creator.pid);
                if (!creator.gone)
                {
                    conductor.proxy.error(creator, requestId, E_FENCED, conductor.fence.refusal());
                }
                return;
            }
            final HeapRecord heap = conductor.heapMapper.pooled(conductor.nextId(), ph, creator.pid);
            conductor.heaps.put(heap.id, heap);
            then.accept(heap);
        });
    }

    void acquireLease(final HeapRecord heap, final int pid)
    {
        cluster.run("cannot take the lease of heap 0x" + Long.toHexString(heap.address) + " for process " + pid,
            () -> cluster.control().acquireLease(heap.address, pid));
    }

    void releaseLease(final HeapRecord heap, final int pid)
    {
        releaseLease(heap.address, pid);
    }

    private void releaseLease(final long address, final int pid)
    {
        cluster.run("cannot release the lease of heap 0x" + Long.toHexString(address) + " held by process " + pid +
            " (it expires with this host's session)", () -> cluster.control().releaseLease(address, pid));
    }

    /** A record for a process on another host. */
    private ProcessRecord remoteProcess(final String host, final int pid)
    {
        return remoteProcesses.computeIfAbsent(host + "/" + pid, k ->
        {
            final ProcessRecord p = new ProcessRecord(conductor.nextId(), pid, -1, null);
            p.host = host;
            p.name = "remote";
            p.registered = true;
            return p;
        });
    }

    /** A channel served on another host, as a record of this daemon. */
    private ChannelRecord remoteChannel(final ChannelEntry entry)
    {
        if (entry == null || entry.hostId().equals(cluster.hostId()))
        {
            return null;
        }
        return new ChannelRecord(entry.channelId(), entry.name(), remoteProcess(entry.hostId(), entry.serverPid()),
            entry.domain(), entry.tcpHost(), entry.tcpPort());
    }

    static boolean hasRemoteParty(final List<ProcessRecord> parties)
    {
        for (final ProcessRecord p : parties)
        {
            if (!p.isLocal())
            {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------ connections across hosts

    /** The client's half of a connection to a server on another host: ask that host's daemon, relay the answer. */
    void connect(final ProcessRecord process, final long requestId, final ConnectionRecord conn)
    {
        final ProcessRecord server = conn.channel.owner;
        conductor.answers.awaitFields(conn.id, conductor.deadline(), "the daemon of host " + server.host + " did not answer",
            a ->
            {
                if (a.length < 4)
                {
                    conductor.connections.remove(conn.id, conn);
                    conductor.proxy.error(process, requestId, E_PEER_UNAVAILABLE, a[0]);
                    return;
                }
                if (!a[0].isEmpty())
                {
                    conductor.connections.remove(conn.id, conn);
                    conductor.proxy.error(process, requestId, Integer.parseInt(a[3]), a[0]);
                    return;
                }
                conn.accepted = true;
                conn.remoteConnId = Long.parseLong(a[1]);
                if (conductor.connections.get(conn.id) != conn)
                {
                    cluster.send(server.host,
                        PeerMessages.peerGone(conn.remoteConnId, process.pid, "client " + process.pid + " went away"));
                    return;
                }
                // No pid across hosts: the client learns of the server's end from the control plane, not a pidfd.
                conductor.proxy.connectReady(process, requestId, 0, conn.channel.id, List.of());
            });
        cluster.send(server.host, PeerMessages.connectRequest(conn.id, conn.channel.name, conn.channel.id,
            conn.heap.address, conn.heap.length, process.pid));
    }

    /** Tell the other host that its end's peer here went away. */
    void peerGone(final String host, final ConnectionRecord conn, final int pid, final String reason)
    {
        if (conn.remoteConnId != 0)
        {
            cluster.send(host, PeerMessages.peerGone(conn.remoteConnId, pid, reason));
        }
    }

    /** Tell the other host's end of a connection about a data heap the local end added; {@code then} gets null or the problem. */
    void shareHeap(final HeapRecord heap, final ProcessRecord other, final Consumer<String> then)
    {
        final ConnectionRecord conn = heap.scope == SCOPE_CONNECTION ? conductor.connections.get(heap.ownerId) : null;
        if (conn == null || conn.remoteConnId == 0)
        {
            then.accept("process " + other.label() + ": heap " + heap.id + " has no connection across hosts");
            return;
        }
        conductor.answers.await(heap.id, conductor.deadline(), "did not map the heap in time", reason ->
            then.accept(reason.isEmpty() ? null : "process " + other.label() + ": " + reason));
        cluster.send(other.host, PeerMessages.newHeap(conn.remoteConnId, heap.id, heap.address, heap.length));
    }

    /** A message from another host's daemon. */
    void onMessage(final String fromHost, final byte[] message)
    {
        try
        {
            final PeerMessages.Reader in = new PeerMessages.Reader(message);
            switch (in.type())
            {
                case PeerMessages.CONNECT_REQUEST:
                    onConnectRequest(fromHost, in);
                    break;
                case PeerMessages.CONNECT_ANSWER:
                {
                    final long conn = in.getLong();
                    conductor.answers.completeFields(conn, new String[] {in.getString(), String.valueOf(in.getLong()),
                        String.valueOf(in.getInt()), String.valueOf(in.getInt())});
                    break;
                }
                case PeerMessages.PEER_GONE:
                    onPeerGone(fromHost, in);
                    break;
                case PeerMessages.NEW_HEAP:
                    onNewHeap(fromHost, in);
                    break;
                case PeerMessages.HEAP_ANSWER:
                {
                    final long key = in.getLong();
                    conductor.answers.complete(key, in.getString());
                    break;
                }
                default:
                    LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: unknown message type " + in.type() + " from host " + fromHost);
            }
        }
        catch (final RuntimeException e)
        {
            conductor.counters.onError("message from host " + fromHost, e);
        }
    }

    /** The server's half of a connection from a client on another host. */
    private void onConnectRequest(final String fromHost, final PeerMessages.Reader in)
    {
        final long fromConn = in.getLong();
        final String name = in.getString();
        final long channelId = in.getLong();
        final long address = in.getLong();
        final long length = in.getLong();
        final int clientPid = in.getInt();
        final ChannelRecord channel = conductor.channels.get(name);
        String problem = null;
        int code = E_REJECTED;
        if (channel == null || channel.id != channelId)
        {
            problem = "channel " + name + " is no longer open on host " + cluster.hostId();
            code = E_NO_SUCH_CHANNEL;
        }
        else if (!channel.sharedHeaps.isEmpty())
        {
            problem = "channel " + name + " keeps shared heaps, which are not mapped across hosts";
        }
        else if (channel.owner.quotaUsed + length > conductor.config.quotaBytes())
        {
            problem = String.format("a connection heap of %d bytes would take server process %d over its shared-memory quota of " +
                "%d bytes (%d in use)", length, channel.owner.pid, conductor.config.quotaBytes(), channel.owner.quotaUsed);
            code = E_QUOTA_EXCEEDED;
        }
        else if (conductor.fence.isFenced())
        {
            problem = conductor.fence.refusal();
            code = E_PEER_UNAVAILABLE;
        }
        if (problem != null)
        {
            cluster.send(fromHost, PeerMessages.connectAnswer(fromConn, problem, 0, 0, code));
            return;
        }
        final ProcessRecord owner = channel.owner;
        final long epoch = conductor.fence.epoch();
        cluster.call(() -> cluster.control().openHeap(address, length, owner.pid), (ph, failure) ->
        {
            if (failure == null && epoch != conductor.fence.epoch())
            {
                io.rpcool.nativeio.SharedMemory.close(ph.fd());
                releaseLease(ph.address(), owner.pid);
            }
            if (failure != null || epoch != conductor.fence.epoch())
            {
                cluster.send(fromHost, PeerMessages.connectAnswer(fromConn, "cannot open the connection heap: " +
                    (failure != null ? failure.getMessage() : conductor.fence.refusal()), 0, 0, E_PEER_UNAVAILABLE));
                return;
            }
            accept(fromHost, fromConn, name, owner, clientPid, ph);
        });
    }

    private void accept(final String fromHost, final long fromConn, final String name, final ProcessRecord owner, final int clientPid,
        final PoolHeap ph)
    {
        final ChannelRecord channel = conductor.channels.get(name);
        if (channel == null || channel.owner != owner || owner.gone)
        {
            io.rpcool.nativeio.SharedMemory.close(ph.fd());
            releaseLease(ph.address(), owner.pid);
            cluster.send(fromHost, PeerMessages.connectAnswer(fromConn, "channel " + name + " closed", 0, 0, E_NO_SUCH_CHANNEL));
            return;
        }
        final HeapRecord heap = conductor.heapMapper.pooled(conductor.nextId(), ph, owner.pid);
        conductor.heaps.put(heap.id, heap);
        final ConnectionRecord conn = new ConnectionRecord(conductor.nextId(), channel, remoteProcess(fromHost, clientPid), heap);
        conn.remoteConnId = fromConn;
        conductor.connections.put(conn.id, conn);
        conductor.map(heap, owner);
        final long pushId = conductor.nextId();
        conductor.answers.awaitFrom(owner, pushId, conductor.deadline(), "server process " + owner.pid + " did not answer", reason ->
        {
            if (reason.isEmpty() && conductor.connections.get(conn.id) == conn)
            {
                conn.accepted = true;
                cluster.send(fromHost, PeerMessages.connectAnswer(fromConn, "", conn.id, owner.pid, 0));
            }
            else
            {
                conductor.connections.remove(conn.id, conn);
                conductor.unmap(heap, owner);
                cluster.send(fromHost, PeerMessages.connectAnswer(fromConn, reason.isEmpty() ? "the channel closed" : reason, 0, 0,
                    E_REJECTED));
            }
        });
        if (!conductor.proxy.newConnection(owner, pushId, conn, 0, 0))
        {
            conductor.answers.complete(pushId, "server process " + owner.pid + " is not reachable");
        }
    }

    /** The other host's end of a connection added a data heap: map it for the local end. */
    private void onNewHeap(final String fromHost, final PeerMessages.Reader in)
    {
        final long connId = in.getLong();
        final long answerKey = in.getLong();
        final long address = in.getLong();
        final long length = in.getLong();
        final ConnectionRecord conn = conductor.connections.get(connId);
        if (conn == null)
        {
            cluster.send(fromHost, PeerMessages.heapAnswer(answerKey, "connection " + connId + " is gone"));
            return;
        }
        final ProcessRecord local = conn.client.isLocal() ? conn.client : conn.channel.owner;
        if (local.quotaUsed + length > conductor.config.quotaBytes())
        {
            cluster.send(fromHost, PeerMessages.heapAnswer(answerKey, String.format(
                "a heap of %d bytes would take process %d over its shared-memory quota of %d bytes (%d in use)",
                length, local.pid, conductor.config.quotaBytes(), local.quotaUsed)));
            return;
        }
        if (conductor.fence.isFenced())
        {
            cluster.send(fromHost, PeerMessages.heapAnswer(answerKey, conductor.fence.refusal()));
            return;
        }
        final long epoch = conductor.fence.epoch();
        cluster.call(() -> cluster.control().openHeap(address, length, local.pid), (ph, failure) ->
        {
            if (failure == null && (epoch != conductor.fence.epoch() || conductor.connections.get(connId) != conn))
            {
                io.rpcool.nativeio.SharedMemory.close(ph.fd());
                releaseLease(ph.address(), local.pid);
                cluster.send(fromHost, PeerMessages.heapAnswer(answerKey, epoch != conductor.fence.epoch() ?
                    conductor.fence.refusal() : "connection " + connId + " is gone"));
                return;
            }
            if (failure != null)
            {
                cluster.send(fromHost, PeerMessages.heapAnswer(answerKey, "cannot open the heap: " + failure.getMessage()));
                return;
            }
            final HeapRecord heap = conductor.heapMapper.pooled(conductor.nextId(), ph, local.pid);
            heap.scope = SCOPE_CONNECTION;
            heap.ownerId = conn.id;
            conductor.heaps.put(heap.id, heap);
            conn.dataHeaps.add(heap);
            conductor.map(heap, local);
            final long pushId = conductor.nextId();
            conductor.answers.awaitFrom(local, pushId, conductor.deadline(), "process " + local.pid + " did not map the heap",
                reason ->
                {
                    if (!reason.isEmpty())
                    {
                        conductor.unmap(heap, local);
                    }
                    cluster.send(fromHost, PeerMessages.heapAnswer(answerKey, reason));
                });
            if (!conductor.proxy.newHeap(local, pushId, heap))
            {
                conductor.answers.complete(pushId, "process " + local.pid + " is not reachable");
            }
        });
    }

    /** The other host's end of a connection went away. */
    private void onPeerGone(final String fromHost, final PeerMessages.Reader in)
    {
        final long connId = in.getLong();
        final int pid = in.getInt();
        final String reason = in.getString();
        final ConnectionRecord conn = conductor.connections.get(connId);
        if (conn != null)
        {
            final ProcessRecord remote = conn.client.isLocal() ? conn.channel.owner : conn.client;
            conductor.closeConnection(conn, remote, reason + " on host " + fromHost);
        }
    }

    /** A host stopped renewing: every connection with an end there is over. */
    void onHostFailed(final String host)
    {
        final List<ConnectionRecord> affected = new ArrayList<>();
        for (final ConnectionRecord conn : conductor.connections.values())
        {
            if (host.equals(conn.client.host) || host.equals(conn.channel.owner.host))
            {
                affected.add(conn);
            }
        }
        remoteProcesses.values().removeIf(p -> host.equals(p.host));
        for (final ConnectionRecord conn : affected)
        {
            final ProcessRecord remote = conn.client.isLocal() ? conn.channel.owner : conn.client;
            conductor.closeConnection(conn, remote, "host " + host + " stopped renewing its leases (process " + remote.pid +
                " is presumed dead)");
        }
    }

    /** Processes of other hosts this host has connections with. */
    int remoteProcessCount()
    {
        return remoteProcesses.size();
    }
}
