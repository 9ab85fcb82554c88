package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cluster's shared services on this machine: an embedded ZooKeeper, a (leading) orchestrator and
 * a read-only inspector over one pool directory. As root the pool is a tmpfs mount of its own, so
 * that its usage counts exactly the pool's heaps; otherwise it is a plain directory. Used by
 * {@code ./rpcool chaos} and the lease benchmark, which then start one daemon per "host".
 */
public final class LocalCluster implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(LocalCluster.class.getName());
    private final Path pool;
    private final boolean mounted;
    private EmbeddedZooKeeper zk;
    private Orchestrator orchestrator;
    private ClusterInspector inspector;

    private LocalCluster(final Path pool, final boolean mounted)
    {
        this.pool = pool;
        this.mounted = mounted;
    }

    /**
     * @param base             directory for the pool ({@code base/pool}) and ZooKeeper's data.
     * @param name             names the orchestrator and the tmpfs mount.
     * @param maxSessionMs     longest ZooKeeper session (the daemons' lease timeout fits in it).
     * @param reclaimDelayMs   how long the orchestrator waits before reclaiming an orphaned heap.
     */
    public static LocalCluster start(final Path base, final String name, final int maxSessionMs, final long reclaimDelayMs)
        throws IOException, InterruptedException
    {
        final Path pool = Files.createDirectories(base.resolve("pool"));
        final boolean mounted = "root".equals(System.getProperty("user.name")) && new ProcessBuilder(
            "mount", "-t", "tmpfs", "-o", "size=256m", name + "-pool", pool.toString()).inheritIO().start().waitFor() == 0;
        final LocalCluster cluster = new LocalCluster(pool, mounted);
        try
        {
            cluster.zk = new EmbeddedZooKeeper("127.0.0.1", 0, base.resolve("zk"), 100, maxSessionMs);
            cluster.orchestrator = new Orchestrator(cluster.connectString(), "/rpcool", name + "-orchestrator", pool,
                reclaimDelayMs, 4000);
            cluster.inspector = new ClusterInspector(cluster.connectString(), "/rpcool", pool);
            return cluster;
        }
        catch (final RuntimeException e)
        {
            cluster.close();
            throw e;
        }
    }

    /** ZooKeeper's address, for daemons ({@code zk:} + it) and clients of the cluster's state. */
    public String connectString()
    {
        return "127.0.0.1:" + zk.port();
    }

    public Path pool()
    {
        return pool;
    }

    /** True if the pool is a tmpfs mount of its own (usage is exact). */
    public boolean poolMounted()
    {
        return mounted;
    }

    public Orchestrator orchestrator()
    {
        return orchestrator;
    }

    public ClusterInspector inspector()
    {
        return inspector;
    }

    /** Close the inspector, the orchestrator and ZooKeeper, and unmount the pool. */
    @Override
    public void close()
    {
        if (inspector != null)
        {
            inspector.close();
        }
        if (orchestrator != null)
        {
            orchestrator.close();
        }
        if (zk != null)
        {
            zk.close();
        }
        if (mounted)
        {
            try
            {
                new ProcessBuilder("umount", pool.toString()).inheritIO().start().waitFor();
            }
            catch (final IOException e)
            {
                LOG.log(System.Logger.Level.WARNING, "cannot unmount {0}: {1}", pool, e.getMessage());
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
