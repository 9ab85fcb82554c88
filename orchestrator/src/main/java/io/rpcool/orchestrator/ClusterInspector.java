package io.rpcool.orchestrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;

/**
 * A read-only view of the cluster's state (for {@code ./rpcool orchestrator --stat}, tests and
 * benchmarks): it never takes part in leader election and never changes anything.
 */
public final class ClusterInspector implements AutoCloseable
{
    private final CuratorFramework client;
    private final ClusterPaths paths;
    private final Path pool;

    public ClusterInspector(final String connectString, final String root, final Path pool)
    {
        this.paths = new ClusterPaths(root);
        this.pool = pool;
        this.client = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5000).retryPolicy(new RetryNTimes(5, 200)).build();
        client.start();
        try
        {
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS))
            {
                client.close();
                throw new IllegalStateException("ZooKeeper at " + connectString + " is unreachable (no connection within 10 s)");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String describe()
    {
        return ClusterReport.describe(client, paths, pool);
    }

    /** Every heap as {address, length, leases}; empty if the cluster has none yet. */
    public List<long[]> heaps()
    {
        try
        {
            final List<long[]> out = new ArrayList<>();
            if (client.checkExists().forPath(paths.heaps) == null)
            {
                return out;
            }
            for (final String h : client.getChildren().forPath(paths.heaps))
            {
                try
                {
                    out.add(new long[] {ClusterPaths.heapAddress(h), ClusterPaths.heapLength(h),
                        client.getChildren().forPath(paths.heaps + "/" + h).size()});
                }
                catch (final org.apache.zookeeper.KeeperException.NoNodeException e)
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

    public int heapCount()
    {
        return heaps().size();
    }

    @Override
    public void close()
    {
        client.close();
    }
}
