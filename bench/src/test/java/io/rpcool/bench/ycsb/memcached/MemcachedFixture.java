package io.rpcool.bench.ycsb.memcached;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * A Memcached server JVM on one transport and what a client in the test JVM needs to reach it: the
 * test JVM embeds the RPCool daemon (so it outlives a killed server), the server attaches to it.
 */
final class MemcachedFixture implements AutoCloseable
{
    static final String CHANNEL = "/test/memcached";

    final MemcachedTransport transport;
    final Path dir;
    final Rpcool rpc;
    final String endpoint;
    final EventLoopGroup group;
    ChildJvm server;

    MemcachedFixture(final MemcachedTransport transport) throws IOException
    {
        this.transport = transport;
        this.dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-test-memcached-");
        this.rpc = transport == MemcachedTransport.RPCOOL_SHM ?
            Rpcool.launch(new RpcoolContext().directory(dir.resolve("daemon")).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)) : null;
        switch (transport)
        {
            case RPCOOL_SHM:
                endpoint = CHANNEL;
                break;
            case UDS:
                endpoint = dir.resolve("mc.sock").toString();
                break;
            default:
                try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
                {
                    endpoint = "127.0.0.1:" + s.getLocalPort();
                }
        }
        this.group = transport.newGroup(1, rpc);
    }

    /** Start the server JVM and wait for it to accept. */
    MemcachedFixture start()
    {
        server = ChildJvm.builder(MemcachedServerMain.class).jvmFlags("-Xmx256m")
            .stderrTo(dir.resolve("server.stderr"))
            .args(transport.systemName(), endpoint, dir.resolve("server").toString(), "1", dir.resolve("daemon").toString())
            .start();
        server.awaitLine("READY", 60_000);
        return this;
    }

    MemcachedClient connect() throws IOException
    {
        return MemcachedClient.connect(transport.clientChannel(), group, transport.address(endpoint), 10_000);
    }

    /** @return what the server wrote to stderr so far (its log). */
    String serverLog() throws IOException
    {
        final Path log = dir.resolve("server.stderr");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException
    {
        if (server != null)
        {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        if (rpc != null)
        {
            rpc.close();
        }
        try (var files = Files.walk(dir))
        {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
