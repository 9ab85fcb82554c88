package io.rpcool.orchestrator;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A single ZooKeeper server inside this process, for a cluster with no external ensemble (one
 * host, tests, demos). Its data directory persists, so a restarted orchestrator finds the heaps and
 * the sessions of the previous run; sessions whose hosts did not come back expire after their
 * timeout and their leases with them.
 */
public final class EmbeddedZooKeeper implements AutoCloseable
{
    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;
    private final int port;

    public EmbeddedZooKeeper(final String bindHost, final int port, final Path dataDir, final int tickTimeMs, final int maxSessionTimeoutMs)
    {
        try
        {
            Files.createDirectories(dataDir);
            final File dir = dataDir.toFile();
            System.setProperty("zookeeper.admin.enableServer", "false");
            this.server = new ZooKeeperServer(dir, dir, tickTimeMs);
            server.setMinSessionTimeout(2 * tickTimeMs);
            server.setMaxSessionTimeout(Math.max(maxSessionTimeoutMs, 4 * tickTimeMs));
            this.factory = ServerCnxnFactory.createFactory(new InetSocketAddress(bindHost, port), 256);
            factory.startup(server);
            this.port = factory.getLocalPort();
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot start an embedded ZooKeeper on " + bindHost + ":" + port + ": " + e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting ZooKeeper", e);
        }
    }

    public int port()
    {
        return port;
    }

    @Override
    public void close()
    {
        factory.shutdown();
        server.shutdown();
    }
}
