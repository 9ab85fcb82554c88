package io.rpcool.bench.systems.grpc;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.rpcool.bench.fork.ServerSupport;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolServerSocketChannel;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Servers of {@code grpc-tcp} ({@link Tcp}: loopback, gRPC's default Netty transport, which is epoll
 * where available) and {@code grpc-uds} ({@link Uds}: Unix domain socket, Netty epoll), both with
 * gRPC's default server executor; and {@code grpc-rpcool-shm} ({@link Shm}: RPCool's Netty channels over
 * shared memory).
 */
public final class GrpcServer
{
    private GrpcServer()
    {
    }

    /**
     * TCP loopback server main.
     */
    public static final class Tcp
    {
        private Tcp()
        {
        }

        public static void main(final String[] args)
        {
            try
            {
                ServerSupport.scratchDir(args);
                final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(NoopGrpc.service())
                    .build()
                    .start();
                ServerSupport.serve("127.0.0.1:" + server.getPort(), () -> stop(server, null, null));
            }
            catch (final Throwable ex)
            {
                ServerSupport.fail(ex);
            }
        }
    }

    /**
     * Unix domain socket server main.
     */
    public static final class Uds
    {
        private Uds()
        {
        }

        public static void main(final String[] args)
        {
            try
            {
                Epoll.ensureAvailability();
                final Path socket = ServerSupport.scratchDir(args).resolve("grpc.sock");
                Files.deleteIfExists(socket);
                final EventLoopGroup boss = new EpollEventLoopGroup(1);
                final EventLoopGroup workers = new EpollEventLoopGroup();
                final Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    .addService(NoopGrpc.service())
                    .build()
                    .start();
                ServerSupport.serve(socket.toString(), () ->
                {
                    stop(server, boss, workers);
                    Files.deleteIfExists(socket);
                });
            }
            catch (final Throwable ex)
            {
                ServerSupport.fail(ex);
            }
        }
    }

    /**
     * Server over RPCool's Netty channels: the TCP server with the channel type and event loop groups
     * changed. Embeds the daemon in the scratch directory; prints {@code READY <directory>,<port>}.
     */
    public static final class Shm
    {
        /** The port clients name; {@code RpcoolAddresses} sends it to the channel {@code /rpcool-netty/50051}. */
        static final int PORT = 50051;

        private Shm()
        {
        }

        public static void main(final String[] args)
        {
            try
            {
                final Path dir = ServerSupport.scratchDir(args).resolve("rpcool");
                final io.rpcool.Rpcool rpc = io.rpcool.Rpcool.launch(new io.rpcool.RpcoolContext().directory(dir)
                    .processName("grpc-server").daemonMode(io.rpcool.RpcoolContext.DaemonMode.EMBEDDED));
                final EventLoopGroup boss = new RpcoolEventLoopGroup(1, rpc);
                final EventLoopGroup workers = new RpcoolEventLoopGroup(Runtime.getRuntime().availableProcessors(), rpc);
                final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("localhost", PORT))
                    .channelType(RpcoolServerSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    .addService(NoopGrpc.service())
                    .build()
                    .start();
                ServerSupport.serve(dir + "," + PORT, () ->
                {
                    stop(server, boss, workers);
                    rpc.close();
                });
            }
            catch (final Throwable ex)
            {
                ServerSupport.fail(ex);
            }
        }
    }

    static void stop(final Server server, final EventLoopGroup boss, final EventLoopGroup workers)
        throws InterruptedException
    {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        if (boss != null)
        {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
