package io.rpcool.bench.systems.grpc;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.rpcool.bench.fork.ServerSupport;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Servers of {@code grpc-tcp} ({@link Tcp}: loopback, gRPC's default Netty transport, which is epoll
 * where available) and {@code grpc-uds} ({@link Uds}: Unix domain socket, Netty epoll), both with
 * gRPC's default server executor.
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
