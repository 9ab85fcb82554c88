package io.rpcool;

import static io.rpcool.TcpFrames.*;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The copy-based fallback for processes that share no memory: requests and replies travel as
 * frames over TCP (Netty). The event loops are shared by the process's connections and started on
 * first use.
 */
final class TcpTransport
{
    static final int MAX_FRAME = ConnectionDescriptorLimits.MAX_FRAME;

    private final Rpcool rpcool;
    private EventLoopGroup clientGroup;

    TcpTransport(final Rpcool rpcool)
    {
        this.rpcool = rpcool;
    }

    TcpServer listen(final String host, final int port, final int threads)
    {
        return new TcpServer(rpcool, host, port, threads);
    }

    synchronized EventLoopGroup clientGroup()
    {
        if (clientGroup == null)
        {
            clientGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("rpcool-tcp-client", true));
        }
        return clientGroup;
    }

    TcpConnection connect(final String host, final int port, final String channelName, final int slots, final int bufferSize)
    {
        return connect(host, port, channelName, slots, bufferSize, Transport.TCP, 0);
    }

    /**
     * @param transport  {@link Transport#TCP}, or {@link Transport#DSM} for a connection heap of {@code dsmHeapSize} bytes.
     */
    TcpConnection connect(
        final String host, final int port, final String channelName, final int slots, final int bufferSize,
        final Transport transport, final long dsmHeapSize)
    {
        final TcpConnection conn = new TcpConnection(rpcool, channelName, slots, bufferSize, transport);
        final Bootstrap b = new Bootstrap()
            .group(clientGroup())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 0), conn.handler());
                }
            });
        final ChannelFuture f = b.connect(new InetSocketAddress(host, port)).awaitUninterruptibly();
        if (!f.isSuccess())
        {
            throw new RpcException(Status.TRANSPORT_FAILED,
                "cannot reach " + channelName + " at " + host + ":" + port + ": " + f.cause(), f.cause());
        }
        conn.attach(f.channel());
        final byte[] name = channelName.getBytes(StandardCharsets.UTF_8);
        final ByteBuf hello = f.channel().alloc().directBuffer(HEADER_LENGTH + name.length);
        final boolean dsm = transport == Transport.DSM;
        hello.writeInt(HEADER_LENGTH - 4 + name.length).writeByte(HELLO).writeInt(dsm ? MODE_DSM : MODE_COPY)
            .writeLong(dsm ? dsmHeapSize : 0).writeInt(slots).writeInt(bufferSize).writeBytes(name);
        f.channel().writeAndFlush(hello);
        conn.awaitWelcome(TimeUnit.SECONDS.toNanos(10));
        if (dsm)
        {
            conn.openDsmHeap(host, dsmHeapSize);
        }
        return conn;
    }

    synchronized void close()
    {
        if (clientGroup != null)
        {
            shutDown(clientGroup);
            clientGroup = null;
        }
    }

    /**
     * Shut event loop groups down and wait (bounded) until their threads have ended, so that no
     * handler still runs when the caller goes on to unmap what handlers touch (the counters file):
     * a connection's channelInactive after that is a crash, not an error. Does not wait from one of
     * the groups' own threads.
     */
    static void shutDown(final io.netty.channel.EventLoopGroup... groups)
    {
        for (final io.netty.channel.EventLoopGroup group : groups)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        for (final io.netty.channel.EventLoopGroup group : groups)
        {
            boolean own = false;
            for (final io.netty.util.concurrent.EventExecutor executor : group)
            {
                own |= executor.inEventLoop();
            }
            if (!own)
            {
                group.terminationFuture().awaitUninterruptibly(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    /** Frame limit shared by both ends: the largest buffer plus a header. */
    static final class ConnectionDescriptorLimits
    {
        static final int MAX_FRAME = io.rpcool.layout.ConnectionDescriptor.MAX_BUFFER_SIZE + 64;

        private ConnectionDescriptorLimits()
        {
        }
    }
}
