package io.rpcool.bench.systems.grpc;

import com.google.protobuf.Empty;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolSocketChannel;

import java.util.concurrent.TimeUnit;

/**
 * Client of {@code grpc-tcp}, {@code grpc-uds} and {@code grpc-rpcool-shm}: blocking unary calls with {@code Empty}, one
 * {@link ManagedChannel} (one HTTP/2 connection) per client thread. gRPC carries no payload here,
 * so {@link #call(long)} returns its argument once the reply arrived.
 */
public final class GrpcClient implements RpcClient
{
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final ManagedChannel channel;
    private final EventLoopGroup group;

    private GrpcClient(final ManagedChannel channel, final EventLoopGroup group)
    {
        this.channel = channel;
        this.group = group;
    }

    static GrpcClient tcp(final String endpoint)
    {
        final int colon = endpoint.lastIndexOf(':');
        return new GrpcClient(NettyChannelBuilder
            .forAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)))
            .usePlaintext()
            .build(), null);
    }

    static GrpcClient uds(final String socketPath)
    {
        Epoll.ensureAvailability();
        final EventLoopGroup group = new EpollEventLoopGroup(1);
        return new GrpcClient(NettyChannelBuilder.forAddress(new DomainSocketAddress(socketPath))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(group)
            .overrideAuthority("localhost")
            .usePlaintext()
            .build(), group);
    }

    /** The client JVM's one RPCool instance, shared by every client thread's connection. */
    private static io.rpcool.Rpcool rpcool;

    private static synchronized io.rpcool.Rpcool rpcool(final String directory)
    {
        if (rpcool == null)
        {
            rpcool = io.rpcool.Rpcool.launch(new io.rpcool.RpcoolContext().directory(java.nio.file.Path.of(directory))
                .processName("grpc-client").daemonMode(io.rpcool.RpcoolContext.DaemonMode.EXTERNAL));
        }
        return rpcool;
    }

    /** Over RPCool's Netty channels: the TCP client with the channel type and event loop group changed. */
    static GrpcClient shm(final String endpoint)
    {
        final String[] parts = endpoint.split(",");
        final EventLoopGroup group = new RpcoolEventLoopGroup(1, rpcool(parts[0]));
        return new GrpcClient(NettyChannelBuilder.forAddress("localhost", Integer.parseInt(parts[1]))
            .channelType(RpcoolSocketChannel.class)
            .eventLoopGroup(group)
            .usePlaintext()
            .build(), group);
    }

    @Override
    public long call(final long request)
    {
        ClientCalls.blockingUnaryCall(channel, NoopGrpc.CALL, CallOptions.DEFAULT, EMPTY);
        return request;
    }

    @Override
    public void close() throws InterruptedException
    {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * TCP loopback client main.
     */
    public static final class Tcp
    {
        private Tcp()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, GrpcClient::tcp);
        }
    }

    /**
     * Client main over RPCool's Netty channels.
     */
    public static final class Shm
    {
        private Shm()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, GrpcClient::shm);
        }
    }

    /**
     * Unix domain socket client main.
     */
    public static final class Uds
    {
        private Uds()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, GrpcClient::uds);
        }
    }
}
