package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * The heaps of one host's {@link ZkControlPlane}: it allocates their addresses atomically with
 * the other hosts (a first fit in the cluster's window, committed by a versioned write of the
 * allocation node together with the heap node and the creator's lease), creates and opens their
 * pool files — or, with a pool device, allocates their ranges of it in the same transaction
 * ({@link DeviceRanges}) and hands out the device from the range's start — and takes and releases
 * leases on them, each through the {@link ZkFence} so that a fenced host takes none. The memory of
 * a device range is handed out only while a process of this host holds a lease on its heap.
 */
final class ZkHeaps
{
    private static final System.Logger LOG = System.getLogger(ZkControlPlane.class.getName());

    private final CuratorFramework client;
    private final ClusterPaths paths;
    private final ClusterSettings settings;
    private final String hostId;
    private final ZkFence fence;
    /** Heap node names by address, for the heaps this host created or opened (shared with the fence). */
    private final Map<Long, String> heapNodes;
    /** Ephemeral nodes this host may have created without knowing it (shared with the control plane). */
    private final Map<String, byte[]> inDoubt;
    /** Turns a failed ZooKeeper operation into the control plane's exception. */
    private final BiFunction<String, Exception, ControlPlaneException> fail;
    private final SecureRandom random = new SecureRandom();
    /** The pool device, or null for a pool of one file per heap. */
    private ZkDevicePool device;

    ZkHeaps(final CuratorFramework client, final ClusterPaths paths, final ClusterSettings settings, final String hostId,
        final ZkFence fence, final Map<Long, String> heapNodes, final Map<String, byte[]> inDoubt,
        final BiFunction<String, Exception, ControlPlaneException> fail)
    {
        this.client = client;
        this.paths = paths;
        this.settings = settings;
        this.hostId = hostId;
        this.fence = fence;
        this.heapNodes = heapNodes;
        this.inDoubt = inDoubt;
        this.fail = fail;
    }

    void useDevice(final ZkDevicePool device)
    {
        this.device = device;
    }

    PoolHeap create(final long length, final int holderPid, final String purpose)
    {
        final long epoch = fence.checkNotFenced();
        final long size = (length + 4095) & ~4095L;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final long address;
            final long offset;
            final int version;
            try
            {
                final Stat stat = new Stat();
                client.getData().storingStatIn(stat).forPath(paths.alloc);
                version = stat.getVersion();
                final List<String> heapSet = client.getChildren().forPath(paths.heaps);
                address = firstFit(heapSet, size);
                offset = device == null ? -1 : deviceFit(heapSet, size);
            }
            catch (final Exception e)
            {
                throw fail.apply("read the heap set", e);
            }
            if (address < 0)
            {
                throw new ControlPlaneException(ControlPlaneException.POOL_FULL, String.format(
                    "no free range of %d bytes in the cluster's heap window [0x%x, 0x%x)", size,
                    settings.windowBase(), settings.windowEnd()));
            }
            final String name = ClusterPaths.heapName(address, size, random.nextInt(), offset);
            final Path file = settings.poolDirectory().resolve(ClusterPaths.poolFile(name));
            final int fd;
            try
            {
                fd = device == null ? SharedMemory.openPoolFile(file.toString(), size, true) : -1;
            }
            catch (final RuntimeException e)
            {
                throw new ControlPlaneException(ControlPlaneException.FAILED,
                    "cannot create a heap in the pool: " + e.getMessage(), e);
            }
            final String lease = ClusterPaths.leaseName(hostId, holderPid);
            final String leasePath = paths.heaps + "/" + name + "/" + lease;
            final byte[] leaseData = String.valueOf(size).getBytes(StandardCharsets.UTF_8);
            boolean created;
            try
            {
                final CuratorOp check = client.transactionOp().setData().withVersion(version)
                    .forPath(paths.alloc, name.getBytes(StandardCharsets.UTF_8));
                final byte[] heapData = (hostId + "\n" + System.currentTimeMillis() + "\n" + purpose).getBytes(StandardCharsets.UTF_8);
                final CuratorOp heap = client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(paths.heaps + "/" + name, heapData);
                final CuratorOp first = client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(leasePath, leaseData);
                client.transaction().forOperations(check, heap, first);
                created = true;
            }
            catch (final KeeperException.BadVersionException | KeeperException.NodeExistsException e)
            {
                // Another host changed the heap set between our read and our write, or this very
                // transaction committed, its reply was lost with the connection and Curator's retry
                // found the version it had bumped itself: only this attempt names the heap so.
                try
                {
                    created = committedHeap(name, leasePath, leaseData);
                }
                catch (final Exception unknown)
                {
                    throw unknownOutcome(fd, file, leasePath, leaseData, unknown);
                }
                if (created)
                {
                    LOG.log(System.Logger.Level.INFO, "host {0}: heap {1} was created although the reply was lost with the connection",
                        hostId, name);
                }
            }
            catch (final Exception e)
            {
                throw unknownOutcome(fd, file, leasePath, leaseData, e);
            }
            if (created)
            {
                if (!fence.takeLease(epoch, address, name, lease))
                {
                    SharedMemory.close(fd);
                    throw fence.fencedException();
                }
                return device == null ? new PoolHeap(address, size, fd) : deviceHeap(name, address, size, holderPid, true);
            }
            SharedMemory.close(fd);
            deleteQuietly(file);
        }
        throw new ControlPlaneException(ControlPlaneException.FAILED, "could not allocate a heap address: too much contention");
    }

    /**
     * Whether the heap node of a creation attempt exists, with the creator's lease (taken again if
     * the session that took it was replaced meanwhile).
     */
    private boolean committedHeap(final String name, final String leasePath, final byte[] leaseData) throws Exception
    {
        if (client.checkExists().forPath(leasePath) != null)
        {
            return true;
        }
        if (client.checkExists().forPath(paths.heaps + "/" + name) == null)
        {
            return false;
        }
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(leasePath, leaseData);
        }
        catch (final KeeperException.NodeExistsException e)
        {
            // taken already
        }
        catch (final KeeperException.NoNodeException e)
        {
            return false;   // reclaimed meanwhile
        }
        return true;
    }

    /**
     * A heap creation whose outcome is unknown: its transaction may have committed. The file goes (no
     * process was given it; the orchestrator reclaims the heap, if it exists, once its lease is gone)
     * and the lease is removed as soon as ZooKeeper answers again.
     */
    private ControlPlaneException unknownOutcome(final int fd, final Path file, final String leasePath, final byte[] leaseData,
        final Exception e)
    {
        SharedMemory.close(fd);
        deleteQuietly(file);
        inDoubt.put(leasePath, leaseData);
        return fail.apply("create a heap", e);
    }

    /** The first free range of the device for {@code size} bytes, or a refusal naming the device and the sizes. */
    private long deviceFit(final List<String> heapSet, final long size)
    {
        final DeviceRanges ranges = device.ranges(heapSet);
        if (DeviceRanges.align(size) > ranges.usableBytes())
        {
            throw new ControlPlaneException(ControlPlaneException.POOL_FULL, String.format("a heap of %d bytes does not fit the " +
                "pool device %s at all: its pool has %d bytes, %d of them for heaps", size, device.device.path, device.poolBytes,
                ranges.usableBytes()));
        }
        final long offset = ranges.firstFit(size);
        if (offset < 0)
        {
            throw new ControlPlaneException(ControlPlaneException.POOL_FULL, String.format("no free range of %d bytes on the pool " +
                "device %s: %d of %d bytes free, the largest free range has %d bytes", DeviceRanges.align(size), device.device.path,
                ranges.freeBytes(), ranges.usableBytes(), ranges.largestFree()));
        }
        return offset;
    }

    /**
     * The memory of a device heap for a process of this host: a descriptor of the device, mapped
     * from the heap's range. Refused unless a process of this host holds a lease on the heap (and
     * the host is not fenced); the lease {@code holderPid} took is dropped on a refusal.
     *
     * @param clear zero the range first (a new heap: its range may hold a reclaimed heap's bytes).
     */
    private PoolHeap deviceHeap(final String name, final long address, final long length, final int holderPid, final boolean clear)
    {
        try
        {
            return deviceMemory(name, address, length, clear);
        }
        catch (final RuntimeException e)
        {
            releaseLease(address, holderPid);
            throw e;
        }
    }

    private PoolHeap deviceMemory(final String name, final long address, final long length, final boolean clear)
    {
        final long offset = ClusterPaths.heapOffset(name);
        if (offset < 0)
        {
            throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP, String.format("heap 0x%x is a pool file, " +
                "but host %s uses the pool device %s", address, hostId, device.device.path));
        }
        if (!fence.holdsLease(name))
        {
            throw new ControlPlaneException(ControlPlaneException.NO_LEASE, String.format("host %s holds no lease on heap 0x%x " +
                "(range [%d, %d) of the pool device %s): its daemon does not map it", hostId, address, offset, offset + length,
                device.device.path));
        }
        if (clear)
        {
            device.device.clear(offset, length);
        }
        return new PoolHeap(address, length, device.device.rangeDescriptor(), offset);
    }

    /**
     * The memory of heap {@code address} for one more mapping on this host: refused unless a
     * process of this host holds a lease on it.
     */
    PoolHeap leasedMemory(final long address, final long length)
    {
        final String name = heapNodes.get(address);
        if (device == null || name == null || !name.startsWith(ClusterPaths.heapPrefix(address, length)))
        {
            throw new ControlPlaneException(ControlPlaneException.NO_LEASE, String.format("host %s holds no lease on heap 0x%x " +
                "(%d bytes)%s: its daemon does not map it", hostId, address, length,
                device == null ? "" : " of the pool device " + device.device.path));
        }
        return deviceMemory(name, address, length, false);
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

    PoolHeap open(final long address, final long length, final int holderPid)
    {
        final long epoch = fence.checkNotFenced();
        final String name = findHeap(address, length);
        final String lease = ClusterPaths.leaseName(hostId, holderPid);
        try
        {
            client.create().withMode(CreateMode.EPHEMERAL)
                .forPath(paths.heaps + "/" + name + "/" + lease, String.valueOf(length).getBytes(StandardCharsets.UTF_8));
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
            throw fail.apply("take a lease", e);
        }
        if (!fence.takeLease(epoch, address, name, lease))
        {
            throw fence.fencedException();
        }
        if (device != null)
        {
            return deviceHeap(name, address, length, holderPid, false);
        }
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
            throw fail.apply("look up a heap", e);
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
        final long epoch = fence.checkNotFenced();
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
            throw new ControlPlaneException(ControlPlaneException.NO_SUCH_HEAP,
                String.format("heap 0x%x no longer exists", address));
        }
        catch (final Exception e)
        {
            throw fail.apply("take a lease", e);
        }
        if (!fence.takeLease(epoch, address, name, lease))
        {
            throw fence.fencedException();
        }
    }

    void releaseLease(final long address, final int holderPid)
    {
        final String name = heapNodes.get(address);
        if (name != null)
        {
            fence.releaseLease(address, name, ClusterPaths.leaseName(hostId, holderPid));
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
