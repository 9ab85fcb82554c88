package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The global orchestrator: one of possibly several instances (standbys) elected leader through a
 * Curator {@link LeaderLatch}. The leader collects orphans: a heap with no lease left for
 * {@link #reclaimDelayMs} (its holders closed it, died, or their host stopped renewing) is deleted
 * from the cluster's state together with a version bump of the allocation node, so an allocation
 * never sees it half gone, and then its file is removed from the pool, which gives its memory back
 * once no process maps it any more. It also removes heap files no heap node names (a creator that
 * died between creating the file and registering the heap) and the inboxes of hosts that left.
 *
 * <p>A host's leases vanish when ZooKeeper expires its session, no earlier than the session timeout
 * after ZooKeeper last heard it; the reclaim delay comes on top, and a host that cannot renew has
 * fenced itself (its processes no longer map its heaps) by the time its session may expire. The
 * rule, with the margins, is stated in {@link io.rpcool.control.ClusterSettings}; the reclaim delay
 * must be at least {@link io.rpcool.control.ClusterSettings#MIN_RECLAIM_DELAY_MS}.
 *
 * <p>With a pool device ({@link #Orchestrator(String, String, String, Path, long, long, Path, long)}) heaps
 * are ranges of one device instead of files ({@link DeviceRanges}); the orchestrator claims the
 * device for the cluster at start ({@link ZkDevicePool#claim}), and a reclaim frees the range by
 * deleting the heap node, after which hosts may allocate it again.
 *
 * <p>All state is in ZooKeeper: a standby that becomes leader carries on from there, with nothing
 * to hand over. Addresses are allocated by the hosts themselves ({@link ZkControlPlane#createHeap}),
 * so an orchestrator change never interrupts allocation.
 */
public final class Orchestrator implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(Orchestrator.class.getName());
    private final String id;
    private final Path pool;
    private final long reclaimDelayMs;
    private final long scanIntervalMs;
    private final ClusterPaths paths;
    private final CuratorFramework client;
    private final LeaderLatch latch;
    private final AgentRunner collector;
    /** The pool device as this orchestrator's host sees it, or null for a pool of files. */
    private final ZkDevicePool devicePool;
    private final Map<String, Long> emptySinceMs = new HashMap<>();
    private final Map<String, Long> hostGoneSinceMs = new HashMap<>();
    private volatile boolean running = true;
    private volatile long reclaimedHeaps;
    private volatile long reclaimedBytes;

    /**
     * @param connectString  ZooKeeper ensemble.
     * @param root           root node of the cluster's state.
     * @param id             this orchestrator's name (shown by stat).
     * @param pool           the pool directory.
     * @param reclaimDelayMs how long a heap stays without a lease before it is reclaimed (R of the timing rule).
     * @param sessionTimeoutMs the orchestrator's own session (a standby takes over after the leader's expires).
     */
    public Orchestrator(final String connectString, final String root, final String id, final Path pool,
        final long reclaimDelayMs, final long sessionTimeoutMs)
    {
        this(connectString, root, id, pool, reclaimDelayMs, sessionTimeoutMs, null, 0);
    }

    /**
     * An orchestrator of a pool that is one memory device.
     *
     * @param device      this host's view of the pool device; null for a pool of one file per heap in {@code pool}.
     * @param deviceBytes bytes of the device the pool uses; 0 for all of it.
     * @throws IllegalStateException naming the device and the sizes if it is smaller than asked or another pool uses it.
     */
    public Orchestrator(final String connectString, final String root, final String id, final Path pool,
        final long reclaimDelayMs, final long sessionTimeoutMs, final Path device, final long deviceBytes)
    {
        this.id = id;
        this.pool = pool;
        this.reclaimDelayMs = io.rpcool.control.ClusterSettings.checkReclaimDelay(reclaimDelayMs);
        this.scanIntervalMs = Math.max(50, Math.min(500, reclaimDelayMs / 4));
        this.paths = new ClusterPaths(root);
        this.client = CuratorFrameworkFactory.builder().connectString(connectString)
            .sessionTimeoutMs((int)sessionTimeoutMs).connectionTimeoutMs(5000).retryPolicy(new RetryNTimes(3, 200)).build();
        client.start();
        try
        {
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS))
            {
                client.close();
                throw new IllegalStateException("ZooKeeper at " + connectString + " is unreachable (no connection within 10 s)");
            }
            Files.createDirectories(pool);
            for (final String p : new String[] {paths.hosts, paths.channels, paths.heaps, paths.inbox, paths.alloc, paths.reclaimed})
            {
                try
                {
                    client.create().creatingParentsIfNeeded().forPath(p, new byte[0]);
                }
                catch (final KeeperException.NodeExistsException e)
                {
                    // there already
                }
            }
            devicePool = device == null ? null : ZkDevicePool.claim(client, paths, device, deviceBytes);
            latch = new LeaderLatch(client, paths.leader, id);
            latch.start();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("interrupted", e);
        }
        catch (final Exception e)
        {
            client.close();
            throw e instanceof IllegalStateException ?
                (IllegalStateException)e : new IllegalStateException("cannot start the orchestrator: " + e, e);
        }
        collector = new AgentRunner(new SleepingMillisIdleStrategy(scanIntervalMs),
            e -> LOG.log(System.Logger.Level.WARNING, "orchestrator " + id + ": collection round failed", e), null, new OrphanCollector());
        AgentRunner.startOnThread(collector, r ->
        {
            final Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
    }

    public String id()
    {
        return id;
    }

    public boolean isLeader()
    {
        return latch.hasLeadership();
    }

    /** Wait until this orchestrator leads. */
    public boolean awaitLeadership(final long timeoutMs) throws InterruptedException
    {
        return latch.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public long reclaimedHeaps()
    {
        return reclaimedHeaps;
    }

    /** Heaps the cluster knows (live or waiting to be reclaimed). */
    public int heapCount()
    {
        try
        {
            return client.getChildren().forPath(paths.heaps).size();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("cannot read the heap set: " + e, e);
        }
    }

    /** Addresses and lengths of the cluster's heaps, by node name. */
    public java.util.List<long[]> heaps()
    {
        try
        {
            final java.util.List<long[]> out = new java.util.ArrayList<>();
            for (final String h : client.getChildren().forPath(paths.heaps))
            {
                try
                {
                    out.add(new long[] {ClusterPaths.heapAddress(h), ClusterPaths.heapLength(h),
                        client.getChildren().forPath(paths.heaps + "/" + h).size()});
                }
                catch (final KeeperException.NoNodeException e)
                {
                    // reclaimed meanwhile
                }
            }
            return out;
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("cannot read the heap set: " + e, e);
        }
    }

    public String describe()
    {
        return ClusterReport.describe(client, paths, pool);
    }

    /** The collection loop: one round per scan interval while this orchestrator leads. */
    private final class OrphanCollector implements Agent
    {
        @Override
        public int doWork() throws Exception
        {
            if (!running)
            {
                return 0;
            }
            if (latch.hasLeadership())
            {
                return collect();
            }
            emptySinceMs.clear();
            hostGoneSinceMs.clear();
            return 0;
        }

        @Override
        public String roleName()
        {
            return "rpcool-orchestrator-" + id;
        }
    }

    /**
     * One round of orphan collection (leader only).
     *
     * @return heaps reclaimed.
     */
    int collect() throws Exception
    {
        int reclaimed = 0;
        final long now = System.currentTimeMillis();
        final List<String> heaps = client.getChildren().forPath(paths.heaps);
        final Set<String> live = new HashSet<>(heaps);
        emptySinceMs.keySet().retainAll(live);
        for (final String h : heaps)
        {
            final List<String> leases;
            try
            {
                leases = client.getChildren().forPath(paths.heaps + "/" + h);
            }
            catch (final KeeperException.NoNodeException e)
            {
                continue;
            }
            if (!leases.isEmpty())
            {
                emptySinceMs.remove(h);
                continue;
            }
            final long since = emptySinceMs.computeIfAbsent(h, k -> now);
            if (now - since >= reclaimDelayMs && reclaim(h))
            {
                reclaimed++;
                emptySinceMs.remove(h);
                LOG.log(System.Logger.Level.INFO, () -> String.format("orchestrator %s: reclaimed heap 0x%x (%d bytes): no lease for %d ms",
                    id, ClusterPaths.heapAddress(h), ClusterPaths.heapLength(h), now - since));
            }
        }
        removeStrayFiles(live, now);
        dropInboxesOfGoneHosts(now);
        return reclaimed;
    }

    /**
     * Reclaim the heap at {@code address} now, without waiting for the reclaim delay, if it has no
     * lease left (the benchmark of pool operations times a free with it).
     *
     * @return true if it was reclaimed.
     */
    public boolean reclaimNow(final long address) throws Exception
    {
        for (final String h : client.getChildren().forPath(paths.heaps))
        {
            if (ClusterPaths.heapAddress(h) == address)
            {
                return reclaim(h);
            }
        }
        return false;
    }

    /** Delete a heap that has no lease, atomically with the allocation version; then free its file. */
    private boolean reclaim(final String heap) throws Exception
    {
        final Stat stat = new Stat();
        client.getData().storingStatIn(stat).forPath(paths.alloc);
        try
        {
            client.transaction().forOperations(
                client.transactionOp().setData().withVersion(stat.getVersion()).forPath(paths.alloc, ("-" + heap).getBytes()),
                client.transactionOp().delete().forPath(paths.heaps + "/" + heap));
        }
        catch (final KeeperException.NotEmptyException | KeeperException.BadVersionException | KeeperException.NoNodeException e)
        {
            return false;   // a lease appeared, or the heap set changed: look again next round
        }
        Files.deleteIfExists(pool.resolve(ClusterPaths.poolFile(heap)));
        reclaimedHeaps++;
        reclaimedBytes += ClusterPaths.heapLength(heap);
        recordReclaimed(ClusterPaths.heapLength(heap));
        return true;
    }

    private void recordReclaimed(final long bytes)
    {
        for (int i = 0; i < 10; i++)
        {
            try
            {
                final Stat stat = new Stat();
                final String old = new String(client.getData().storingStatIn(stat).forPath(paths.reclaimed), StandardCharsets.UTF_8);
                long heaps = 0;
                long total = 0;
                if (old.matches("\\d+ \\d+"))
                {
                    final String[] f = old.split(" ");
                    heaps = Long.parseLong(f[0]);
                    total = Long.parseLong(f[1]);
                }
                client.setData().withVersion(stat.getVersion()).forPath(paths.reclaimed, ((heaps + 1) + " " + (total + bytes)).getBytes());
                return;
            }
            catch (final KeeperException.BadVersionException e)
            {
                // another orchestrator wrote meanwhile: read again
            }
            catch (final Exception e)
            {
                return;
            }
        }
    }

    static String describeReclaimed(final String data)
    {
        if (!data.matches("\\d+ \\d+"))
        {
            return "nothing";
        }
        final String[] f = data.split(" ");
        return f[0] + " heaps, " + f[1] + " bytes";
    }

    /** Heap files no heap node names, older than the reclaim delay plus a margin. */
    private void removeStrayFiles(final Set<String> live, final long now) throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pool, "heap-*"))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString().substring("heap-".length());
                if (live.contains(name))
                {
                    continue;
                }
                try
                {
                    if (now - Files.getLastModifiedTime(f).toMillis() > reclaimDelayMs + 10_000)
                    {
                        Files.deleteIfExists(f);
                        LOG.log(System.Logger.Level.INFO, "orchestrator {0}: removed stray pool file {1}", id, f);
                    }
                }
                catch (final IOException e)
                {
                    // gone meanwhile
                }
            }
        }
    }

    private void dropInboxesOfGoneHosts(final long now) throws Exception
    {
        final Set<String> hosts = new HashSet<>(client.getChildren().forPath(paths.hosts));
        for (final String h : client.getChildren().forPath(paths.inbox))
        {
            if (hosts.contains(h))
            {
                hostGoneSinceMs.remove(h);
                continue;
            }
            final long since = hostGoneSinceMs.computeIfAbsent(h, k -> now);
            if (now - since > 60_000)
            {
                try
                {
                    client.delete().deletingChildrenIfNeeded().forPath(paths.inbox + "/" + h);
                }
                catch (final KeeperException.NoNodeException e)
                {
                    // gone
                }
                hostGoneSinceMs.remove(h);
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        collector.close();
        try
        {
            latch.close();
        }
        catch (final IOException | IllegalStateException e)
        {
            // closing anyway
        }
        client.close();
        if (devicePool != null)
        {
            devicePool.close();
        }
    }
}
