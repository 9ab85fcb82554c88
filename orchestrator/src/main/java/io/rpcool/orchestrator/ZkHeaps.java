package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.PoolHeap;
import io.rpcool.nativeio.SharedMemory;

/**
 * The heaps side of {@link ZkControlPlane}: heap addresses allocated first fit in the cluster's
 * window, atomically with the other hosts (a versioned write of the allocation node in the same
 * transaction that creates the heap node), and the ephemeral lease nodes this host's processes hold.
 */
final class ZkHeaps
{
    private final CuratorFramework client;
    private final ClusterPaths paths;
    private final ClusterSettings settings;
    private final String hostId;
    private final BiFunction<String, Exception, ControlPlaneException> failure;
    /** Leases this host holds ({@code heap/lease} node names), to restore after its session was lost. */
    private final Set<String> leases = ConcurrentHashMap.newKeySet();
    /** Heap node names by address, for the heaps this host created or opened. */
    private final Map<Long, String> heapNodes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param failure maps a failed ZooKeeper operation (what was attempted, the cause) to the
     *                exception the control plane throws.
     */
    ZkHeaps(
        final CuratorFramework client,
        final ClusterPaths paths,
        final ClusterSettings settings,
        final String hostId,
        final BiFunction<String, Exception, ControlPlaneException> failure)
    {
        this.client = client;
        this.paths = paths;
        this.settings = settings;
        this.hostId = hostId;
        this.failure = failure;
    }

    /**
     * @return the leases this host holds, as {@code heap/lease} node names under the heaps node.
     */
    Set<String> leases()
    {
        return leases;
    }

    PoolHeap createHeap(final long length, final int holderPid, final String purpose)
    {
        final long size = (length + 4095) & ~4095L;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final long address;
            final int version;
            try
            {
                final Stat stat = new Stat();
                client.getData().storingStatIn(stat).forPath(paths.alloc);
                version = stat.getVersion();
                address = firstFit(client.getChildren().forPath(paths.heaps), size);
            }
            catch (final Exception e)
            {
                throw failure.apply("read the heap set", e);
            }
            if (address < 0)
            {
                throw new ControlPlaneException(ControlPlaneException.POOL_FULL, String.format(
                    "no free range of %d bytes in the cluster's heap window [0x%x, 0x%x)",
                    size, settings.windowBase(), settings.windowEnd()));
            }
            final String name = ClusterPaths.heapName(address, size, random.nextInt());
            final Path file = settings.poolDirectory().resolve(ClusterPaths.poolFile(name));
            final int fd;
            try
            {
                fd = SharedMemory.openPoolFile(file.toString(), size, true);
            }
            catch (final RuntimeException e)
            {
                throw new ControlPlaneException(ControlPlaneException.FAILED, "cannot create a heap in the pool: " + e.getMessage(), e);
            }
            try
            {
                final CuratorOp check = client.transactionOp().setData().withVersion(version).forPath(paths.alloc, name.getBytes());
                final byte[] about = (hostId + "\n" + System.currentTimeMillis() + "\n" + purpose).getBytes(StandardCharsets.UTF_8);
                final CuratorOp heap = client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(paths.heaps + "/" + name, about);
                final String lease = ClusterPaths.leaseName(hostId, holderPid);
                final CuratorOp first = client.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                    .forPath(paths.heaps + "/" + name + "/" + lease, String.valueOf(size).getBytes());
                client.transaction().forOperations(check, heap, first);
                heapNodes.put(address, name);
                leases.add(name + "/" + lease);
                return new PoolHeap(address, size, fd);
            }
            catch (final KeeperException.BadVersionException | KeeperException.NodeExistsException e)
            {
                // Another host changed the heap set between our read and our write: read again.
                SharedMemory.close(fd);
                deleteQuietly(file);
            }
            catch (final Exception e)
            {
                SharedMemory.close(fd);
                deleteQuietly(file);
                throw failure.apply("create a heap", e);
            }
        }
        throw new ControlPlaneException(ControlPlaneException.FAILED, "could not allocate a heap address: too much contention");
    }

    private long firstFit(final List<String> heapNodes, final long size)
    {
        final TreeMap<Long, Long> used = new TreeMap<>();
        for (final String n : heapNodes)
        {
            used.put(ClusterPaths.heapAddress(n), ClusterPaths.heapLength(n));
        }
        final long need = align(size);
        long candidate = settings.windowBase();
        for (final Map.Entry<Long, Long> e : used.entrySet())
        {
            if (e.getKey() - candidate >= need)
            {
                break;
            }
            candidate = Math.max(candidate, e.getKey() + align(e.getValue()));
        }
        return settings.windowEnd() - candidate >= need ? candidate : -1;
    }

    static long align(final long length)
    {
        return (length + ZkControlPlane.ALIGNMENT - 1) & ~(ZkControlPlane.ALIGNMENT - 1);
    }

    PoolHeap openHeap(final long address, final long length, final int holderPid)
    {
        final String name = findHeap(address, length);
        final String lease = ClusterPaths.leaseName(hostId, holderPid);
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL)
                .forPath(paths.heaps + "/" + name + "/" + lease, String.valueOf(length).getBytes());
        }
        catch (final KeeperException.NoNodeException e)
        {
            throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP,
                String.format("heap 0x%x (%d bytes) no longer exists in the cluster", address, length));
        }
        catch (final KeeperException.NodeExistsException e)
        {
            // this process holds a lease already
        }
        catch (final Exception e)
        {
            throw failure.apply("take a lease", e);
        }
        heapNodes.put(address, name);
        leases.add(name + "/" + lease);
        try
        {
            return new PoolHeap(address, length,
                SharedMemory.openPoolFile(settings.poolDirectory().resolve(ClusterPaths.poolFile(name)).toString(), length, false));
        }
        catch (final RuntimeException e)
        {
            releaseLease(address, holderPid);
            throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP, String.format(
                "heap 0x%x is not in the pool directory %s of this host: %s", address, settings.poolDirectory(), e.getMessage()));
        }
    }

    private String findHeap(final long address, final long length)
    {
        final String cached = heapNodes.get(address);
        final String prefix = ClusterPaths.heapPrefix(address, length);
        if (cached != null && cached.startsWith(prefix))
        {
            return cached;
        }
        try
        {
            for (final String n : client.getChildren().forPath(paths.heaps))
            {
                if (n.startsWith(prefix))
                {
                    return n;
                }
            }
        }
        catch (final Exception e)
        {
            throw failure.apply("look up a heap", e);
        }
        throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP,
            String.format("heap 0x%x (%d bytes) no longer exists in the cluster", address, length));
    }

    void acquireLease(final long address, final int holderPid)
    {
        final String name = heapNodes.get(address);
        if (name == null)
        {
            throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP,
                String.format("heap 0x%x is not open on this host", address));
        }
        final String lease = ClusterPaths.leaseName(hostId, holderPid);
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(paths.heaps + "/" + name + "/" + lease, new byte[0]);
        }
        catch (final KeeperException.NodeExistsException e)
        {
            // held already
        }
        catch (final KeeperException.NoNodeException e)
        {
            throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP, String.format("heap 0x%x no longer exists", address));
        }
        catch (final Exception e)
        {
            throw failure.apply("take a lease", e);
        }
        leases.add(name + "/" + lease);
    }

    void releaseLease(final long address, final int holderPid)
    {
        final String name = heapNodes.get(address);
        if (name == null)
        {
            return;
        }
        final String lease = name + "/" + ClusterPaths.leaseName(hostId, holderPid);
        leases.remove(lease);
        try
        {
            client.delete().forPath(paths.heaps + "/" + lease);
        }
        catch (final KeeperException.NoNodeException e)
        {
            // gone already
        }
        catch (final Exception e)
        {
            throw failure.apply("release a lease", e);
        }
        final String prefix = name + "/";
        if (leases.stream().noneMatch(l -> l.startsWith(prefix)))
        {
            heapNodes.remove(address);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException e)
        {
            // the orchestrator removes stray files
        }
    }
}
