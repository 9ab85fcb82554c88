package io.rpcool.bench.ycsb.memcached;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.bench.fork.ServerSupport;

/**
 * A Memcached server JVM. Arguments: {@code <transport> <endpoint> <scratch-dir> [threads [daemon-dir]]}, the
 * transport being {@code rpcool-shm} (endpoint: a channel name; the daemon is embedded in
 * {@code <scratch-dir>/rpcool}, where clients find it, unless a running daemon's directory is given),
 * {@code uds} (endpoint: a socket path) or
 * {@code tcp} (endpoint: {@code host:port}). Prints {@code READY <endpoint>} and serves until stdin
 * closes, as the benchmark harness's other servers do.
 */
public final class MemcachedServerMain
{
    /** Directory of the embedded daemon under the scratch directory, for {@code rpcool-shm}. */
    public static final String RPCOOL_DIR = "rpcool";

    private MemcachedServerMain()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            if (args.length < 3)
            {
                throw new IllegalArgumentException(
                    "usage: MemcachedServerMain <rpcool-shm|uds|tcp> <endpoint> <scratch-dir> [threads [daemon-dir]]");
            }
            final MemcachedTransport transport = MemcachedTransport.of(args[0]);
            final String endpoint = args[1];
            final Path scratch = Files.createDirectories(Path.of(args[2]));
            final int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            final boolean external = args.length > 4;
            final Rpcool rpc = transport == MemcachedTransport.RPCOOL_SHM ? Rpcool.launch(new RpcoolContext()
                .directory(external ? Path.of(args[4]) : scratch.resolve(RPCOOL_DIR)).processName("memcached-server")
                .daemonMode(external ? RpcoolContext.DaemonMode.EXTERNAL : RpcoolContext.DaemonMode.EMBEDDED)) : null;
            if (transport == MemcachedTransport.UDS)
            {
                Files.deleteIfExists(Path.of(endpoint));
            }
            // One group accepts and serves, on every transport alike.
            final EventLoopGroup group = transport.newGroup(threads, rpc);
            final MemcachedServer server = MemcachedServer.start(transport.serverChannel(), group, group,
                transport.address(endpoint));
            ServerSupport.serve(endpoint, () ->
            {
                server.close();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
                if (rpc != null)
                {
                    rpc.close();
                }
            });
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }
}
