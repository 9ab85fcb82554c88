package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

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
 * <p>Heaps are files of the pool directory at addresses that {@link ZkHeaps} allocates atomically
 * with the other hosts (see {@link #createHeap}); the leader {@link Orchestrator} reclaims a heap
 * once it has no lease left.
 *
 * <p>Messages to another host are sequential nodes in that host's inbox; a watch wakes the
 * receiving daemon, which consumes them in order.
 */
public final class ZkControlPlane implements ControlPlane
{
    /** Heap addresses are aligned like the single-host daemon's, so heaps never share a huge page. */
    public static final long ALIGNMENT = 2L * 1024 * 1024;

    private final ClusterSettings settings;
    private final String hostId;
    private final ClusterPaths paths;
    private final CuratorFramework client;
    private final String connectString;
    private final AutoCloseable embedded;
    /** Channels this host publishes (node to data), to restore after its session was lost. */
    private final Map<String, byte[]> channels = new ConcurrentHashMap<>();
    private final ZkHeaps heaps;
    private final Semaphore wake = new Semaphore(0);
    private volatile Listener listener;
    private volatile boolean running = true;
    private volatile boolean sessionLost;
    private Thread watcherThread;

    /**
     * @param embedded something to close with this control plane (the in-process ZooKeeper and
     *                 orchestrator of an embedded setup), or null.
     */
    public ZkControlPlane(final String connectString, final String root, final ClusterSettings settings, final AutoCloseable embedded)
    {
        this.settings = settings;
        this.hostId = ClusterPaths.checkHostId(settings.hostId());
        this.paths = new ClusterPaths(root);
        this.connectString = connectString;
        this.embedded = embedded;
        this.client = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int)Math.max(1000, settings.leaseTimeoutMs()))
            .connectionTimeoutMs(5000)
            .retryPolicy(new RetryNTimes(3, 200))
            .build();
        this.heaps = new ZkHeaps(client, paths, settings, hostId, this::fail);
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
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            client.close();
            throw new ControlPlaneException(ControlPlaneException.UNREACHABLE, "interrupted connecting to " + connectString);
        }
        catch (final IOException | RuntimeException e)
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

    private ControlPlaneException fail(final String what, final Exception e)
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
    }

    // ------------------------------------------------------------------------------------- heaps

    @Override
    public PoolHeap createHeap(final long length, final int holderPid, final String purpose)
    {
        return heaps.createHeap(length, holderPid, purpose);
    }

    @Override
    public PoolHeap openHeap(final long address, final long length, final int holderPid)
    {
        return heaps.openHeap(address, length, holderPid);
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
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(node, data);
            channels.put(node, data);
        }
        catch (final KeeperException.NodeExistsException e)
        {
            final ChannelEntry existing = findChannel(entry.name());
            throw new ControlPlaneException(ControlPlaneException.CHANNEL_EXISTS,
                "channel " + entry.name() + " is already open in the cluster" +
                (existing == null ? "" : " (on host " + existing.hostId() + ", by process " + existing.serverPid() + ")"));
        }
        catch (final Exception e)
        {
            throw fail("publish channel " + entry.name(), e);
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
        try
        {
            client.delete().forPath(node);
        }
        catch (final KeeperException.NoNodeException e)
        {
            // gone already
        }
        catch (final Exception e)
        {
            throw fail("withdraw channel " + name, e);
        }
    }

    @Override
    public ChannelEntry findChannel(final String name)
    {
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
        final byte[] from = hostId.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(2 + from.length + message.length);
        b.putShort((short)from.length).put(from).put(message);
        try
        {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(paths.inbox + "/" + toHost + "/m-", b.array());
        }
        catch (final Exception e)
        {
            throw fail("send a message to host " + toHost, e);
        }
    }

    /**
     * Consume this host's inbox and watch the set of hosts, woken by ZooKeeper watches (and every
     * second regardless, in case a watch was lost with a connection).
     */
    private void watchLoop()
    {
        final String myInbox = paths.inbox + "/" + hostId;
        Set<String> knownHosts = null;
        while (running)
        {
            try
            {
                final List<String> messages = new ArrayList<>(client.getChildren().usingWatcher(
                    (org.apache.zookeeper.Watcher)e -> wake.release()).forPath(myInbox));
                Collections.sort(messages);
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
        if (state == ConnectionState.LOST)
        {
            sessionLost = true;
            System.err.println("rpcool cluster: host " + hostId + " lost its ZooKeeper session: its leases expired");
        }
        else if (state == ConnectionState.RECONNECTED && sessionLost)
        {
            sessionLost = false;
            // Best effort: take back what this host still holds; heaps reclaimed meanwhile are gone for good.
            new Thread(this::restoreEphemerals, "rpcool-cluster-restore").start();
        }
    }

    private void restoreEphemerals()
    {
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(paths.hosts + "/" + hostId);
        }
        catch (final Exception e)
        {
            // there already, or unreachable again
        }
        for (final Map.Entry<String, byte[]> c : channels.entrySet())
        {
            createEphemeralQuietly(c.getKey(), c.getValue());
        }
        for (final String lease : heaps.leases())
        {
            createEphemeralQuietly(paths.heaps + "/" + lease, new byte[0]);
        }
    }

    private void createEphemeralQuietly(final String path, final byte[] data)
    {
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(path, data);
        }
        catch (final Exception e)
        {
            System.err.println("rpcool cluster: cannot restore " + path + ": " + e.getMessage());
        }
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
        wake.release();
        if (watcherThread != null)
        {
            watcherThread.interrupt();
        }
        client.close();
        if (embedded != null)
        {
            try
            {
                embedded.close();
            }
            catch (final Exception e)
            {
                System.err.println("rpcool cluster: closing the embedded orchestrator: " + e);
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
