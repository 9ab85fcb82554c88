package io.rpcool.orchestrator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

import io.rpcool.control.ControlPlaneException;

/**
 * A pool that is one memory device, as the cluster's state in ZooKeeper and the device's header
 * agree on it. The orchestrator claims the device ({@link #claim}): it records a pool id and the
 * pool's size in {@code root/device} and writes the same id into the device's header; a device
 * whose header names another pool is refused. Every host's daemon then attaches its own view of
 * the device ({@link #attach}) and is refused unless that view carries the cluster's pool id and is
 * at least as large as the pool.
 */
final class ZkDevicePool implements AutoCloseable
{
    final PoolDevice device;
    final String poolId;
    final long poolBytes;

    private ZkDevicePool(final PoolDevice device, final String poolId, final long poolBytes)
    {
        this.device = device;
        this.poolId = poolId;
        this.poolBytes = poolBytes;
    }

    /**
     * Claim {@code path} as the cluster's pool device, or check that it is the device the cluster
     * already uses.
     *
     * @param askedBytes bytes of the device the pool should use; 0 for all of it.
     * @throws IllegalStateException naming the device and the sizes when the device is too small or another pool uses it.
     */
    static ZkDevicePool claim(final CuratorFramework client, final ClusterPaths paths, final Path path, final long askedBytes)
        throws Exception
    {
        final PoolDevice device = PoolDevice.open(path);
        try
        {
            if (askedBytes > device.deviceBytes)
            {
                throw new IllegalStateException(String.format("pool device %s has %d bytes (%s), less than the %d bytes (%s) asked " +
                    "for the pool (rpcool.pool.deviceBytes)", path, device.deviceBytes, PoolDevice.mib(device.deviceBytes), askedBytes,
                    PoolDevice.mib(askedBytes)));
            }
            final long poolBytes = (askedBytes > 0 ? askedBytes : device.deviceBytes) & ~(PoolDevice.RANGE_ALIGNMENT - 1);
            if (poolBytes < 2 * PoolDevice.RANGE_ALIGNMENT)
            {
                throw new IllegalStateException(String.format("pool device %s: a pool of %d bytes is too small: it needs at least " +
                    "%d bytes (the header's 2 MiB range and one heap's)", path, poolBytes, 2 * PoolDevice.RANGE_ALIGNMENT));
            }
            final String proposed = paths.root + "@" + UUID.randomUUID();
            try
            {
                client.create().creatingParentsIfNeeded().forPath(paths.device,
                    (proposed + "\n" + poolBytes).getBytes(StandardCharsets.UTF_8));
            }
            catch (final KeeperException.NodeExistsException e)
            {
                // the cluster has its pool device already: check it is this one
            }
            final String[] recorded = new String(client.getData().forPath(paths.device), StandardCharsets.UTF_8).split("\n");
            final String poolId = recorded[0];
            final long recordedBytes = Long.parseLong(recorded[1]);
            final String header = device.poolId();
            if (header == null)
            {
                if (!poolId.equals(proposed))
                {
                    throw new IllegalStateException(String.format("pool device %s carries no pool header, but the cluster's pool %s " +
                        "was set up on a device that does: is this the same device?", path, poolId));
                }
                device.format(poolId, poolBytes);
            }
            else if (!header.equals(poolId))
            {
                throw new IllegalStateException(String.format("pool device %s (%d bytes) is already used by another pool (%s, %d bytes); " +
                    "this cluster's pool is %s. Clear the device's first page to give it to this cluster", path, device.deviceBytes,
                    header, device.headerPoolBytes(), poolId));
            }
            return new ZkDevicePool(device, poolId, recordedBytes);
        }
        catch (final Exception | Error e)
        {
            device.close();
            throw e;
        }
    }

    /**
     * Attach host {@code hostId}'s view of the pool device, waiting up to {@code waitMs} for the
     * orchestrator to claim it.
     *
     * @throws ControlPlaneException naming the device and sizes when the view is not the cluster's device.
     */
    static ZkDevicePool attach(final CuratorFramework client, final ClusterPaths paths, final Path path, final String hostId,
        final long waitMs) throws Exception
    {
        final long deadline = System.nanoTime() + waitMs * 1_000_000;
        byte[] data = null;
        while (data == null)
        {
            try
            {
                data = client.getData().forPath(paths.device);
            }
            catch (final KeeperException.NoNodeException e)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new ControlPlaneException(ControlPlaneException.FAILED, "host " + hostId + ": the cluster under " + paths.root +
                        " has no pool device (no orchestrator claimed one with rpcool.pool.device within " + waitMs + " ms), " +
                        "but this host was told to use " + path);
                }
                Thread.sleep(50);
            }
        }
        final String[] recorded = new String(data, StandardCharsets.UTF_8).split("\n");
        final long poolBytes = Long.parseLong(recorded[1]);
        final PoolDevice device;
        try
        {
            device = PoolDevice.open(path);
        }
        catch (final RuntimeException e)
        {
            throw new ControlPlaneException(ControlPlaneException.FAILED, "host " + hostId + ": cannot open the pool device " + path +
                ": " + e.getMessage(), e);
        }
        try
        {
            if (device.deviceBytes < poolBytes)
            {
                throw new ControlPlaneException(ControlPlaneException.FAILED, String.format("host %s: pool device %s has %d bytes, " +
                    "less than the cluster's pool of %d bytes", hostId, path, device.deviceBytes, poolBytes));
            }
            // The orchestrator records the pool in ZooKeeper first and writes the header next: a host
            // that attaches in between waits for the header.
            String header = device.poolId();
            while (header == null && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(50);
                header = device.poolId();
            }
            if (!recorded[0].equals(header))
            {
                throw new ControlPlaneException(ControlPlaneException.FAILED, String.format("host %s: pool device %s belongs to %s, " +
                    "not to this cluster's pool %s: it is not the device the orchestrator set up", hostId, path,
                    header == null ? "no pool (no header)" : "pool " + header, recorded[0]));
            }
            return new ZkDevicePool(device, recorded[0], poolBytes);
        }
        catch (final RuntimeException | InterruptedException e)
        {
            device.close();
            throw e;
        }
    }

    /** The pool's ranges given the heap set's node names. */
    DeviceRanges ranges(final java.util.Collection<String> heapNodes)
    {
        return new DeviceRanges(poolBytes, heapNodes);
    }

    @Override
    public void close()
    {
        device.close();
    }
}
