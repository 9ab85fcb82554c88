package io.rpcool.orchestrator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.ProtectedUtils;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import io.rpcool.control.ChannelEntry;
import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.PoolHeap;

/**
 * The control plane of one host, kept in ZooKeeper through Curator ({@link ClusterPaths} draws
 * the nodes). The host's ZooKeeper session is the lease substrate: its host node, its channels and
 * the leases of its processes are ephemeral nodes, so when the host stops renewing (the daemon dies,
 * the host dies or is cut off) they expire together and every other host's watch fires.
 *
 * <p>Heaps are files of the pool directory at addresses allocated here, atomically with the other
 * hosts (see {@link #createHeap}); the leader {@link Orchestrator} reclaims a heap once it has no
 * lease left.
 *
 * <p>Messages to another host are sequential nodes in that host's inbox; a watch wakes the
 * receiving daemon, which consumes them in order.
 *
 * <p>Every write here survives a lost reply. Curator retries an operation whose connection was
 * lost, and the first attempt may have committed before the reply was lost: the retry then fails
 * against the state its own first attempt left (the allocation version it bumped, the node it
 * created). So a heap's node name carries a nonce of its attempt and is looked up before the attempt
 * counts as lost; a channel node that exists already counts as this host's own when this session
 * holds it with the same content; messages are protected creates ({@code _c_<uuid>-}) that the
 * receiver takes once. A create whose outcome stays unknown (ZooKeeper unreachable through all
 * retries) is remembered and its node removed, if it exists, once ZooKeeper answers again.
 *
 * <p>A host that cannot renew its session fences itself before the session may expire (the
 * {@link SessionGuard} decides when, {@link ZkFence} does it; timing in {@link ClusterSettings}):
 * from then on it creates, opens and takes no heap, finds and publishes no channel, and holds back
 * its messages, without waiting for ZooKeeper; it takes back no lease under a new session.
 */
public final class ZkControlPlane implements ControlPlane
{
    private static final System.Logger LOG = System.getLogger(ZkControlPlane.class.getName());
    /** How many protected ids of consumed messages the inbox remembers, to take a retried send once. */
    private static final int RECENT_MESSAGE_IDS = 4096;

    /** Heap addresses are aligned like the single-host daemon's, so heaps never share a huge page. */
    public static final long ALIGNMENT = 2L * 1024 * 1024;

    private final ClusterSettings settings;
    private final String hostId;
    private final ClusterPaths paths;
    private final CuratorFramework client;
    private final String connectString;
    private final AutoCloseable embedded;
    /** Channels this host publishes (node to content), taken back under a new session. */
    private final Map<String, byte[]> channels = new ConcurrentHashMap<>();
    /** Heap node names by address, for the heaps this host created or opened. */
    private final Map<Long, String> heapNodes = new ConcurrentHashMap<>();
    /**
     * Ephemeral nodes (path to content) this host may have created without knowing it: a create
     * whose reply was lost and whose retries failed as well. Removed once ZooKeeper answers again.
     */
    private final Map<String, byte[]> inDoubt = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private volatile Listener listener;
    private volatile boolean running = true;
    private Thread watcherThread;
    private SessionGuard guard;
    /** Leases held, and what a fence stops or holds back. */
    private final ZkFence fence;
    /** The heaps of the pool: addresses, files or device ranges, and leases. */
    private final ZkHeaps heaps;
    private ZkDevicePool devicePool;   // this host's view of the pool device; null for a pool of files

    /**
     * @param embedded something to close with this control plane (the in-process ZooKeeper and
     *                 orchestrator of an embedded setup), or null.
     */
    public ZkControlPlane(final String connectString, final String root, final ClusterSettings settings, final AutoCloseable embedded)
    {
        this(connectString, root, settings, embedded, null);
    }

    /**
     * @param zookeeperFactory makes the ZooKeeper handle under Curator (tests inject faults with it),
     *                         or null for Curator's own.
     */
    ZkControlPlane(final String connectString, final String root, final ClusterSettings settings, final AutoCloseable embedded,
        final ZookeeperFactory zookeeperFactory)
    {
        this.settings = settings;
        this.hostId = ClusterPaths.checkHostId(settings.hostId());
        this.paths = new ClusterPaths(root);
        this.connectString = connectString;
        this.embedded = embedded;
        final CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int)settings.requestedSessionTimeoutMs())
            .connectionTimeoutMs(5000)
            .retryPolicy(new RetryNTimes(3, 200));
        if (zookeeperFactory != null)
        {
            builder.zookeeperFactory(zookeeperFactory);
        }
        this.client = builder.build();
        this.fence = new ZkFence(client, paths, settings, channels, heapNodes, () -> listener, this::deliver);
        this.heaps = new ZkHeaps(client, paths, settings, hostId, fence, heapNodes, inDoubt, this::fail);
        client.getConnectionStateListenable().addListener((c, state) -> onConnectionState(state));
        client.start();
        try
        {
            final long waitMs = io.rpcool.config.Setting.ZK_CONNECT_TIMEOUT_MS.longValue();
            if (!client.blockUntilConnected((int)waitMs, TimeUnit.MILLISECONDS))
            {
                throw new ControlPlaneException(ControlPlaneException.UNREACHABLE,
                    "the orchestrator's ZooKeeper at " + connectString + " is unreachable (no connection within " + waitMs + " ms)");
            }
            Files.createDirectories(settings.poolDirectory());
            for (final String p : new String[] {paths.hosts, paths.channels, paths.heaps, paths.inbox + "/" + hostId, paths.reclaimed})
            {
                ensure(p);
            }
            ensure(paths.alloc);
            if (settings.poolDevice() != null)
            {
                devicePool = ZkDevicePool.attach(client, paths, settings.poolDevice(), hostId, waitMs);
                heaps.useDevice(devicePool);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            client.close();
            throw new ControlPlaneException(ControlPlaneException.UNREACHABLE, "interrupted connecting to " + connectString);
        }
        catch (final Exception e)
        {
            client.close();
            throw e instanceof ControlPlaneException ? (ControlPlaneException)e :
                new ControlPlaneException(ControlPlaneException.FAILED, "cannot set up the cluster state: " + e, e);
        }
    }

    private void ensure(final String path)
    {
        try
        {
            client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
        }
        catch (final KeeperException.NodeExistsException e)
        {
            // there already
        }
        catch (final Exception e)
        {
            throw fail("create " + path, e);
        }
    }

    ControlPlaneException fail(final String what, final Exception e)
    {
        if (e instanceof ControlPlaneException)
        {
            return (ControlPlaneException)e;
        }
        if (e instanceof KeeperException.ConnectionLossException || e instanceof KeeperException.SessionExpiredException ||
            !client.getZookeeperClient().isConnected())
        {
            return new ControlPlaneException(ControlPlaneException.UNREACHABLE,
                "the orchestrator's ZooKeeper at " + connectString + " is unreachable (" + what + "): " + e, e);
        }
        return new ControlPlaneException(ControlPlaneException.FAILED, what + ": " + e, e);
    }

    @Override
    public String hostId()
    {
        return hostId;
    }

    public CuratorFramework curator()
    {
        return client;
    }

    @Override
    public void start(final Listener listener)
    {
        this.listener = listener;
        final long anchorNs = System.nanoTime();
        final long session;
        final int negotiatedMs;
        try
        {
            session = sessionId();
            negotiatedMs = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        }
        catch (final Exception e)
        {
            throw fail("read this host's session", e);
        }
        try
        {
            final String node = paths.hosts + "/" + hostId;
            try
            {
                client.create().withMode(CreateMode.EPHEMERAL).forPath(node, String.valueOf(ProcessHandle.current().pid()).getBytes());
            }
            catch (final KeeperException.NodeExistsException e)
            {
                throw new ControlPlaneException(ControlPlaneException.FAILED, "host " + hostId + " is already in the cluster " +
                    "(another daemon runs under that name, or its previous session has not expired yet)");
            }
        }
        catch (final ControlPlaneException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            throw fail("register host " + hostId, e);
        }
        try
        {
            // Messages left for a previous daemon of this host name are stale: its connections are gone.
            for (final String m : client.getChildren().forPath(paths.inbox + "/" + hostId))
            {
                client.delete().quietly().forPath(paths.inbox + "/" + hostId + "/" + m);
            }
        }
        catch (final Exception e)
        {
            throw fail("clear the inbox of host " + hostId, e);
        }
        watcherThread = new Thread(this::watchLoop, "rpcool-cluster-" + hostId);
        watcherThread.setDaemon(true);
        watcherThread.start();
        guard = new SessionGuard(client, settings, paths.hosts, session, negotiatedMs, anchorNs, fence);
        guard.start();
    }

    // ------------------------------------------------------------------------------------- heaps

    @Override
    public PoolHeap createHeap(final long length, final int holderPid, final String purpose)
    {
        return heaps.create(length, holderPid, purpose);
    }

    @Override
    public PoolHeap openHeap(final long address, final long length, final int holderPid)
    {
        return heaps.open(address, length, holderPid);
    }

    /** A device heap's memory for one more mapping here; {@link ControlPlaneException#NO_LEASE} unless this host holds a lease. */
    public PoolHeap leasedMemory(final long address, final long length)
    {
        return heaps.leasedMemory(address, length);
    }

    @Override
    public void acquireLease(final long address, final int holderPid)
    {
        heaps.acquireLease(address, holderPid);
    }

    @Override
    public void releaseLease(final long address, final int holderPid)
    {
        heaps.releaseLease(address, holderPid);
    }

    // ---------------------------------------------------------------------------------- channels

    @Override
    public void publishChannel(final ChannelEntry entry)
    {
        final byte[] data = String.join("\n", entry.hostId(), String.valueOf(entry.channelId()), String.valueOf(entry.serverPid()),
            entry.domain(), entry.tcpHost(), String.valueOf(entry.tcpPort())).getBytes(StandardCharsets.UTF_8);
        final String node = paths.channels + "/" + ClusterPaths.channelNode(entry.name());
        fence.checkNotFenced();
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(node, data);
            inDoubt.remove(node);
            channels.put(node, data);
        }
        catch (final KeeperException.NodeExistsException e)
        {
            if (isOwnNode(node, data))
            {
                // Created by this call: its reply was lost with the connection and Curator's retry found the node.
                inDoubt.remove(node);
                channels.put(node, data);
                return;
            }
            final ChannelEntry existing = findChannel(entry.name());
            throw new ControlPlaneException(ControlPlaneException.CHANNEL_EXISTS,
                "channel " + entry.name() + " is already open in the cluster" +
                (existing == null ? "" : " (on host " + existing.hostId() + ", by process " + existing.serverPid() + ")"));
        }
        catch (final Exception e)
        {
            inDoubt.put(node, data);
            throw fail("publish channel " + entry.name(), e);
        }
    }

    /** Whether this session holds the ephemeral node at {@code path} with exactly {@code data}. */
    private boolean isOwnNode(final String path, final byte[] data)
    {
        try
        {
            final Stat stat = new Stat();
            final byte[] existing = client.getData().storingStatIn(stat).forPath(path);
            return stat.getEphemeralOwner() == sessionId() && Arrays.equals(existing, data);
        }
        catch (final Exception e)
        {
            return false;
        }
    }

    long sessionId() throws Exception
    {
        return client.getZookeeperClient().getZooKeeper().getSessionId();
    }

    /**
     * Remove the nodes of creates with an unknown outcome that this session holds. Called by the
     * watch loop, so once ZooKeeper answers again.
     */
    private void removeInDoubt() throws Exception
    {
        for (final Map.Entry<String, byte[]> e : inDoubt.entrySet())
        {
            final String path = e.getKey();
            try
            {
                final Stat stat = new Stat();
                final byte[] data = client.getData().storingStatIn(stat).forPath(path);
                if (stat.getEphemeralOwner() == sessionId() && Arrays.equals(data, e.getValue()))
                {
                    client.delete().withVersion(stat.getVersion()).forPath(path);
                    LOG.log(System.Logger.Level.INFO, "host {0}: removed {1}, created although its create failed", hostId, path);
                }
            }
            catch (final KeeperException.NoNodeException | KeeperException.BadVersionException gone)
            {
                // never created, or gone already
            }
            inDoubt.remove(path, e.getValue());
        }
    }

    @Override
    public void withdrawChannel(final String name)
    {
        final String node = paths.channels + "/" + ClusterPaths.channelNode(name);
        if (channels.remove(node) == null)
        {
            return;
        }
        fence.giveUp(node);
    }

    @Override
    public ChannelEntry findChannel(final String name)
    {
        fence.checkNotFenced();
        final byte[] data;
        try
        {
            data = client.getData().forPath(paths.channels + "/" + ClusterPaths.channelNode(name));
        }
        catch (final KeeperException.NoNodeException e)
        {
            return null;
        }
        catch (final Exception e)
        {
            throw fail("look up channel " + name, e);
        }
        return parseChannel(name, data);
    }

    static ChannelEntry parseChannel(final String name, final byte[] data)
    {
        final String[] f = new String(data, StandardCharsets.UTF_8).split("\n", -1);
        return new ChannelEntry(name, f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3], f[4], Integer.parseInt(f[5]));
    }

    // ---------------------------------------------------------------------------------- messages

    @Override
    public void send(final String toHost, final byte[] message)
    {
        if (!fence.hold(toHost, message))
        {
            deliver(toHost, message);
        }
    }

    void deliver(final String toHost, final byte[] message)
    {
        final byte[] from = hostId.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(2 + from.length + message.length);
        b.putShort((short)from.length).put(from).put(message);
        try
        {
            // Protected: a retry after a lost reply finds the node its first attempt created, and the
            // receiver takes a message once even if it consumed that node before the retry looked.
            client.create().creatingParentsIfNeeded().withProtection().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(paths.inbox + "/" + toHost + "/m-", b.array());
        }
        catch (final Exception e)
        {
            throw fail("send a message to host " + toHost, e);
        }
    }

    /**
     * Consume this host's inbox and watch the set of hosts, woken by ZooKeeper watches (and every
     * second regardless, in case a watch was lost with a connection); remove the nodes of creates
     * whose outcome was unknown.
     */
    private void watchLoop()
    {
        final String myInbox = paths.inbox + "/" + hostId;
        final Map<String, Boolean> recentIds = new LinkedHashMap<>()
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest)
            {
                return size() > RECENT_MESSAGE_IDS;
            }
        };
        Set<String> knownHosts = null;
        while (running)
        {
            try
            {
                if (!inDoubt.isEmpty())
                {
                    removeInDoubt();
                }
                fence.removeGivenUp();
                final List<String> messages = new ArrayList<>(client.getChildren().usingWatcher(
                    (org.apache.zookeeper.Watcher)e -> wake.release()).forPath(myInbox));
                messages.sort(Comparator.comparing(ZKPaths::extractSequentialSuffix));
                for (final String m : messages)
                {
                    final String path = myInbox + "/" + m;
                    final byte[] data;
                    try
                    {
                        data = client.getData().forPath(path);
                        client.delete().forPath(path);
                    }
                    catch (final KeeperException.NoNodeException e)
                    {
                        continue;
                    }
                    if (recentIds.put(ProtectedUtils.extractProtectedId(m).orElse(m), Boolean.TRUE) != null)
                    {
                        continue;   // the same send again: its first node was consumed before the retry looked for it
                    }
                    final ByteBuffer b = ByteBuffer.wrap(data);
                    final byte[] from = new byte[b.getShort()];
                    b.get(from);
                    final byte[] body = new byte[b.remaining()];
                    b.get(body);
                    listener.onMessage(new String(from, StandardCharsets.UTF_8), body);
                }
                final Set<String> hosts = new HashSet<>(client.getChildren().usingWatcher(
                    (org.apache.zookeeper.Watcher)e -> wake.release()).forPath(paths.hosts));
                if (knownHosts != null)
                {
                    for (final String h : knownHosts)
                    {
                        if (!hosts.contains(h) && !h.equals(hostId))
                        {
                            listener.onHostFailed(h);
                        }
                    }
                }
                knownHosts = hosts;
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
            }
            catch (final InterruptedException e)
            {
                return;
            }
            catch (final Exception e)
            {
                if (!running)
                {
                    return;
                }
                sleep(200);
            }
        }
    }

    private void onConnectionState(final ConnectionState state)
    {
        final SessionGuard g = guard;
        if (g != null)
        {
            g.onConnectionState(state);
        }
        if (state == ConnectionState.LOST)
        {
            LOG.log(System.Logger.Level.WARNING, "host {0}: ZooKeeper declared its session lost", hostId);
        }
    }

    /** True while this host is fenced (see {@link SessionGuard}). */
    public boolean isFenced()
    {
        return fence.isFenced();
    }

    @Override
    public String describe()
    {
        return ClusterReport.describe(client, paths, settings.poolDirectory());
    }

    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        if (guard != null)
        {
            guard.close();
        }
        wake.release();
        if (watcherThread != null)
        {
            watcherThread.interrupt();
        }
        client.close();
        if (devicePool != null)
        {
            devicePool.close();
        }
        if (embedded != null)
        {
            try
            {
                embedded.close();
            }
            catch (final Exception e)
            {
                LOG.log(System.Logger.Level.WARNING, "closing the embedded orchestrator", e);
            }
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
