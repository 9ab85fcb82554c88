package io.rpcool.orchestrator;

import java.nio.file.Path;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneProvider;

/**
 * Control planes kept in ZooKeeper. Specs ({@code rpcool.orchestrator}):
 * <ul>
 *   <li>{@code zk:host:port[,host:port...]} — an existing ensemble, with orchestrators running
 *   elsewhere ({@code ./rpcool orchestrator --zk ...});</li>
 *   <li>{@code embedded[:port]} — this daemon runs ZooKeeper (port 2181 by default, on every
 *   interface so other hosts can join with {@code zk:this-host:port}) and an orchestrator inside
 *   itself; no external service.</li>
 * </ul>
 * Also read: {@code rpcool.zk.root} (default {@code /rpcool}), {@code rpcool.zk.dataDir} (embedded
 * ZooKeeper's data, default {@code /dev/shm/rpcool-zk-<port>}), {@code rpcool.orchestrator.reclaimDelayMs}
 * (default 2000).
 */
public final class ZkControlPlaneProvider implements ControlPlaneProvider
{
    public static final int DEFAULT_PORT = 2181;

    @Override
    public boolean accepts(final String spec)
    {
        return spec.startsWith("zk:") || spec.equals("embedded") || spec.startsWith("embedded:");
    }

    @Override
    public ControlPlane create(final String spec, final ClusterSettings settings)
    {
        final String root = io.rpcool.config.Setting.ZK_ROOT.string();
        if (spec.startsWith("zk:"))
        {
            return new ZkControlPlane(spec.substring(3), root, settings, null);
        }
        final int port = spec.startsWith("embedded:") ? Integer.parseInt(spec.substring("embedded:".length())) : DEFAULT_PORT;
        final EmbeddedOrchestrator embedded = EmbeddedOrchestrator.start(port, root, settings.hostId(), settings.poolDirectory(),
            settings.leaseTimeoutMs(), settings.poolDevice());
        try
        {
            return new ZkControlPlane("127.0.0.1:" + embedded.port(), root, settings, embedded);
        }
        catch (final RuntimeException e)
        {
            embedded.close();
            throw e;
        }
    }

    /** ZooKeeper and an orchestrator in this process. */
    public static final class EmbeddedOrchestrator implements AutoCloseable
    {
        private final EmbeddedZooKeeper zk;
        private final Orchestrator orchestrator;

        private EmbeddedOrchestrator(final EmbeddedZooKeeper zk, final Orchestrator orchestrator)
        {
            this.zk = zk;
            this.orchestrator = orchestrator;
        }

        public static EmbeddedOrchestrator start(
            final int port, final String root, final String id, final Path pool, final long leaseTimeoutMs)
        {
            return start(port, root, id, pool, leaseTimeoutMs, null);
        }

        /** @param device the pool device ({@code rpcool.pool.device}), or null for a pool of files. */
        public static EmbeddedOrchestrator start(
            final int port, final String root, final String id, final Path pool, final long leaseTimeoutMs, final Path device)
        {
            final Path data = Path.of(io.rpcool.config.Setting.ZK_DATA_DIR.string("/dev/shm/rpcool-zk-" + port));
            final int tick = (int)Math.max(50, Math.min(2000, leaseTimeoutMs / 10));
            final EmbeddedZooKeeper zk = new EmbeddedZooKeeper("0.0.0.0", port, data, tick, (int)Math.max(leaseTimeoutMs, 60_000));
            try
            {
                final Orchestrator o = new Orchestrator("127.0.0.1:" + zk.port(), root, "orchestrator@" + id, pool,
                    io.rpcool.config.Setting.RECLAIM_DELAY_MS.longValue(), Math.max(1000, leaseTimeoutMs), device,
                    io.rpcool.config.Setting.POOL_DEVICE_BYTES.longValue());
                return new EmbeddedOrchestrator(zk, o);
            }
            catch (final RuntimeException e)
            {
                zk.close();
                throw e;
            }
        }

        public int port()
        {
            return zk.port();
        }

        public Orchestrator orchestrator()
        {
            return orchestrator;
        }

        @Override
        public void close()
        {
            orchestrator.close();
            zk.close();
        }
    }
}
