package io.rpcool.examples.cooldb.grpc;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import com.google.common.util.concurrent.MoreExecutors;

/**
 * Where the baseline's server listens and how its client connects: a Unix domain socket through
 * Netty's native epoll transport (the fastest gRPC-java transport between two processes on one host),
 * or TCP loopback where epoll is unavailable. Both ends allow messages of any size (query results
 * reach megabytes) and use an 8 MiB flow-control window; the server runs handlers on its event loop
 * ({@code directExecutor}), gRPC's fastest setting for short handlers.
 */
public final class GrpcEndpoints
{
    static final int FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;

    private GrpcEndpoints()
    {
    }

    /**
     * A started server and what to close with it.
     */
    public static final class Listening implements AutoCloseable
    {
        private final Server server;
        private final EventLoopGroup boss;
        private final EventLoopGroup workers;
        private final String endpoint;

        Listening(final Server server, final EventLoopGroup boss, final EventLoopGroup workers, final String endpoint)
        {
            this.server = server;
            this.boss = boss;
            this.workers = workers;
            this.endpoint = endpoint;
        }

        /**
         * @return {@code unix:<path>} or {@code tcp:<host>:<port>}.
         */
        public String endpoint()
        {
            return endpoint;
        }

        @Override
        public void close()
        {
            server.shutdownNow();
            awaitQuietly(() -> server.awaitTermination(2, TimeUnit.SECONDS));
            if (boss != null)
            {
                boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * @param socketPath where to listen when epoll is available.
     * @param service    to serve.
     * @return the started server.
     */
    public static Listening listen(final String socketPath, final ServerServiceDefinition service) throws java.io.IOException
    {
        if (Epoll.isAvailable())
        {
            final EventLoopGroup boss = new EpollEventLoopGroup(1);
            final EventLoopGroup workers = new EpollEventLoopGroup(1);
            final Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socketPath))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .directExecutor()
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .addService(service)
                .build()
                .start();
            return new Listening(server, boss, workers, "unix:" + socketPath);
        }
        final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .flowControlWindow(FLOW_CONTROL_WINDOW)
            .addService(service)
            .build()
            .start();
        return new Listening(server, null, null, "tcp:127.0.0.1:" + server.getPort());
    }

    /**
     * A channel and what to close with it.
     */
    public static final class Connected implements AutoCloseable
    {
        private final ManagedChannel channel;
        private final EventLoopGroup group;

        Connected(final ManagedChannel channel, final EventLoopGroup group)
        {
            this.channel = channel;
            this.group = group;
        }

        public ManagedChannel channel()
        {
            return channel;
        }

        @Override
        public void close()
        {
            channel.shutdownNow();
            awaitQuietly(() -> channel.awaitTermination(2, TimeUnit.SECONDS));
            if (group != null)
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    private interface Await
    {
        boolean await() throws InterruptedException;
    }

    private static void awaitQuietly(final Await await)
    {
        try
        {
            await.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param endpoint what {@link Listening#endpoint()} returned.
     * @return a connected channel.
     */
    public static Connected connect(final String endpoint)
    {
        if (endpoint.startsWith("unix:"))
        {
            final EventLoopGroup group = new EpollEventLoopGroup(1);
            final ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(endpoint.substring(5)))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .overrideAuthority("localhost")
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .build();
            return new Connected(channel, group);
        }
        if (endpoint.startsWith("tcp:"))
        {
            final String hostPort = endpoint.substring(4);
            final int colon = hostPort.lastIndexOf(':');
            return new Connected(NettyChannelBuilder
                .forAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))
                .usePlaintext()
                .executor(MoreExecutors.directExecutor())
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .build(), null);
        }
        throw new IllegalArgumentException("unknown endpoint " + endpoint);
    }
}
