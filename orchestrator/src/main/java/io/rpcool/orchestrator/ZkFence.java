package io.rpcool.orchestrator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;

/**
 * The {@link ZkControlPlane}'s leases and what a fence does to them ({@link SessionGuard} decides
 * when; {@link ClusterSettings} states the timing).
 *
 * <pre>
 *              fence                         same session answers          new session answers
 *  leases ────────────▶ written off ──────▶ released as holders let go   forgotten: they expire with
 *                       (fencedLeases)                                   the old session, none taken again
 *  deletes    ─ while fenced ─▶ toDelete ──▶ deleted if this session     dropped (the old session's nodes
 *                                            still holds them            go with it)
 *  messages   ─ while fenced ─▶ held ──────▶ sent                        dropped (the peers saw this host fail)
 *  host node, channels                       kept                        created again once the old
 *                                                                        session's have expired
 * </pre>
 * While fenced, operations that would create, open or take a heap, or publish or find a channel, are
 * refused at once ({@link ControlPlaneException#FENCED}); one that began before a fence gives up what
 * it made (the fence epoch tells).
 */
final class ZkFence implements SessionGuard.Host
{
    private static final System.Logger LOG = System.getLogger(ZkFence.class.getName());

    private final CuratorFramework client;
    private final ClusterPaths paths;
    private final ClusterSettings settings;
    private final String hostId;
    private final Map<String, byte[]> channels;
    private final Map<Long, String> heapNodes;
    private final Supplier<ControlPlane.Listener> listener;
    private final BiConsumer<String, byte[]> deliver;

    private final Object lock = new Object();
    /** Leases ("heap/lease") held under the current session. Guarded by lock. */
    private final Set<String> leases = ConcurrentHashMap.newKeySet();
    /** Leases written off by the last fence: still held if the same session comes back, until their holders let go. */
    private final Set<String> fencedLeases = ConcurrentHashMap.newKeySet();
    /** Ephemeral nodes of this session given up while fenced or unreachable: deleted once the session answers. */
    private final Set<String> toDelete = ConcurrentHashMap.newKeySet();
    /** Messages held while fenced. Guarded by lock. */
    private final List<Map.Entry<String, byte[]>> heldMessages = new ArrayList<>();
    /** Counts fences. Guarded by lock. */
    private long epoch;
    private volatile boolean fenced;
    private volatile String reason;

    /**
     * @param channels  the channels the host publishes (node to content), shared with the control plane.
     * @param heapNodes the heap node names by address of the heaps this host has open, shared likewise.
     * @param deliver   sends a message to a host's inbox.
     */
    ZkFence(final CuratorFramework client, final ClusterPaths paths, final ClusterSettings settings, final Map<String, byte[]> channels,
        final Map<Long, String> heapNodes, final Supplier<ControlPlane.Listener> listener, final BiConsumer<String, byte[]> deliver)
    {
        this.client = client;
        this.paths = paths;
        this.settings = settings;
        this.hostId = settings.hostId();
        this.channels = channels;
        this.heapNodes = heapNodes;
        this.listener = listener;
        this.deliver = deliver;
    }

    boolean isFenced()
    {
        return fenced;
    }

    /**
     * @return the fence epoch an operation begins in.
     * @throws ControlPlaneException with {@link ControlPlaneException#FENCED} while fenced.
     */
    long checkNotFenced()
    {
        synchronized (lock)
        {
            if (fenced)
            {
                throw fencedException();
            }
            return epoch;
        }
    }

    ControlPlaneException fencedException()
    {
        final String why = reason;
        return new ControlPlaneException(ControlPlaneException.FENCED, "host " + hostId + " is fenced" +
            (why == null ? "" : " (" + why + ")") + ": it creates and opens no heap until its ZooKeeper session answers again");
    }

    /**
     * Count a lease this host just created as held, unless a fence came since the operation began
     * in {@code since} (then the lease is given up: it may belong to a session about to expire).
     *
     * @return false if fenced meanwhile.
     */
    boolean takeLease(final long since, final long address, final String name, final String lease)
    {
        synchronized (lock)
        {
            if (since == epoch)
            {
                heapNodes.put(address, name);
                leases.add(name + "/" + lease);
                return true;
            }
        }
        giveUp(paths.heaps + "/" + name + "/" + lease);
        return false;
    }

    /** True if a process of this host holds a lease on heap {@code name} and the host is not fenced. */
    boolean holdsLease(final String name)
    {
        final String prefix = name + "/";
        synchronized (lock)
        {
            return !fenced && leases.stream().anyMatch(l -> l.startsWith(prefix));
        }
    }

    /** The holder of {@code lease} on heap {@code name} let go: delete the lease if this host still holds it. */
    void releaseLease(final long address, final String name, final String lease)
    {
        final String held = name + "/" + lease;
        final String prefix = name + "/";
        final boolean wasHeld;
        synchronized (lock)
        {
            wasHeld = leases.remove(held) | fencedLeases.remove(held);
            if (leases.stream().noneMatch(l -> l.startsWith(prefix)) && fencedLeases.stream().noneMatch(l -> l.startsWith(prefix)))
            {
                heapNodes.remove(address);
            }
        }
        if (wasHeld)
        {
            giveUp(paths.heaps + "/" + held);
        }
    }

    /**
     * Delete an ephemeral node of this session that this host no longer wants. While fenced (or if
     * ZooKeeper does not answer) it is remembered and deleted once the session answers again; under a
     * new session it is gone already.
     */
    void giveUp(final String path)
    {
        synchronized (lock)
        {
            if (fenced)
            {
                toDelete.add(path);
                return;
            }
        }
        try
        {
            deleteIfOwned(path, sessionId());
        }
        catch (final Exception e)
        {
            toDelete.add(path);
            throw new ControlPlaneException(ControlPlaneException.UNREACHABLE, "cannot delete " + path + " (deleted once ZooKeeper " +
                "answers again): " + e, e);
        }
    }

    /** @return true if the message is held (the host is fenced), false if the caller sends it. */
    boolean hold(final String toHost, final byte[] message)
    {
        synchronized (lock)
        {
            if (fenced)
            {
                heldMessages.add(Map.entry(toHost, message));
                return true;
            }
            return false;
        }
    }

    /** Delete the nodes given up while ZooKeeper did not answer, if this session holds them (the watch loop calls it). */
    void removeGivenUp() throws Exception
    {
        if (toDelete.isEmpty() || fenced)
        {
            return;
        }
        final long session = sessionId();
        for (final String path : new ArrayList<>(toDelete))
        {
            deleteIfOwned(path, session);
            toDelete.remove(path);
        }
    }

    private long sessionId() throws Exception
    {
        return client.getZookeeperClient().getZooKeeper().getSessionId();
    }

    /** Delete the node at {@code path} if {@code session} holds it (a node of an earlier session goes with that session). */
    private void deleteIfOwned(final String path, final long session) throws Exception
    {
        try
        {
            final Stat stat = client.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == session)
            {
                client.delete().withVersion(stat.getVersion()).forPath(path);
            }
        }
        catch (final KeeperException.NoNodeException | KeeperException.BadVersionException e)
        {
            // gone already, or another node by now
        }
    }

    // ------------------------------------------------------------------------ the guard's transitions

    @Override
    public void fence(final String why, final long sessionMayExpireAtNs)
    {
        final int written;
        synchronized (lock)
        {
            fenced = true;
            reason = why;
            epoch++;
            written = leases.size();
            fencedLeases.addAll(leases);
            leases.clear();
        }
        // The daemon first: every millisecond counts towards its processes' deadline.
        final ControlPlane.Listener l = listener.get();
        if (l != null)
        {
            l.onFenced(why, sessionMayExpireAtNs);
        }
        LOG.log(System.Logger.Level.WARNING, "host {0} fenced itself: {1}; it writes off its {2} lease(s) and takes no heap " +
            "until its session answers again", hostId, why, written);
    }

    /**
     * The session that holds the host's nodes answers a request sent after this call began.
     *
     * @return when that request was sent.
     */
    private long confirm(final long session) throws Exception
    {
        final long sentNs = System.nanoTime();
        client.checkExists().forPath(paths.hosts);
        if (sessionId() != session)
        {
            throw new ControlPlaneException(ControlPlaneException.UNREACHABLE, "the ZooKeeper session changed again");
        }
        return sentNs;
    }

    /** The session this host had answers again: its leases never lapsed; finish what waited for it and lift the fence. */
    @Override
    public long resume() throws Exception
    {
        final long session = sessionId();
        long answeredNs;
        while (true)
        {
            final List<String> deletes;
            final List<Map.Entry<String, byte[]>> held;
            synchronized (lock)
            {
                deletes = new ArrayList<>(toDelete);
                held = new ArrayList<>(heldMessages);
                heldMessages.clear();
            }
            for (final String path : deletes)
            {
                deleteIfOwned(path, session);
                toDelete.remove(path);
            }
            for (int i = 0; i < held.size(); i++)
            {
                try
                {
                    deliver.accept(held.get(i).getKey(), held.get(i).getValue());
                }
                catch (final RuntimeException e)
                {
                    synchronized (lock)
                    {
                        heldMessages.addAll(0, held.subList(i, held.size()));
                    }
                    throw e;
                }
            }
            answeredNs = confirm(session);
            synchronized (lock)
            {
                if (toDelete.isEmpty() && heldMessages.isEmpty())
                {
                    fenced = false;
                    reason = null;
                    break;
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "host {0}: its ZooKeeper session answered again before it expired: fence lifted", hostId);
        final ControlPlane.Listener l = listener.get();
        if (l != null)
        {
            l.onRejoined(false);
        }
        return answeredNs;
    }

    /**
     * A new session answers: the old one's nodes expire with it (this waits until they have), the
     * host node and channels are created again under the new one, and no lease is: the heaps this
     * host had were fenced, and a lease this host cannot prove it held all along is not taken again.
     */
    @Override
    public long rejoin(final Set<Long> pastSessions, final long newSession) throws Exception
    {
        synchronized (lock)
        {
            fencedLeases.clear();
            toDelete.clear();
            heldMessages.clear();
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * settings.requestedSessionTimeoutMs() + 10_000);
        if (!restore(paths.hosts + "/" + hostId, String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8),
            pastSessions, newSession, deadlineNs))
        {
            throw new ControlPlaneException(ControlPlaneException.FAILED, "host " + hostId +
                " is in the cluster under another session (another daemon runs under that name)");
        }
        int restored = 0;
        for (final Map.Entry<String, byte[]> c : new ArrayList<>(channels.entrySet()))
        {
            if (restore(c.getKey(), c.getValue(), pastSessions, newSession, deadlineNs))
            {
                restored++;
            }
            else if (channels.remove(c.getKey(), c.getValue()))
            {
                LOG.log(System.Logger.Level.WARNING, "host {0}: channel {1} was taken by another host while this host was fenced",
                    hostId, ClusterPaths.channelName(c.getKey().substring(paths.channels.length() + 1)));
            }
        }
        final long answeredNs = confirm(newSession);
        synchronized (lock)
        {
            heldMessages.clear();
            fenced = false;
            reason = null;
        }
        LOG.log(System.Logger.Level.INFO, "host {0} rejoined the cluster with a new ZooKeeper session: host node and {1} channel(s) " +
            "registered again, no lease taken back", hostId, restored);
        final ControlPlane.Listener l = listener.get();
        if (l != null)
        {
            l.onRejoined(true);
        }
        return answeredNs;
    }

    /**
     * Create the ephemeral node at {@code path} under {@code newSession}, after a node of a past
     * session of this host there has expired.
     *
     * @return false if another session (not this host's) holds it.
     */
    private boolean restore(final String path, final byte[] data, final Set<Long> pastSessions, final long newSession,
        final long deadlineNs) throws Exception
    {
        while (true)
        {
            final Stat stat = client.checkExists().forPath(path);
            if (stat == null)
            {
                try
                {
                    client.create().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                }
                catch (final KeeperException.NodeExistsException e)
                {
                    // someone else, or a retry of this create: look again
                }
                continue;
            }
            final long owner = stat.getEphemeralOwner();
            if (owner == newSession)
            {
                return true;
            }
            if (!pastSessions.contains(owner))
            {
                return false;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new ControlPlaneException(ControlPlaneException.FAILED, path + " of the previous session has not expired yet");
            }
            Thread.sleep(50);
        }
    }
}
