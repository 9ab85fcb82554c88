package io.rpcool.bench.systems.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Native epoll when {@link Epoll#isAvailable()}, else NIO.
 */
final class NettyTransport
{
    static final boolean EPOLL = Epoll.isAvailable();

    private NettyTransport()
    {
    }

    static EventLoopGroup group(final int threads)
    {
        return EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    static Class<? extends ServerSocketChannel> serverChannel()
    {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> socketChannel()
    {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static String describe()
    {
        return EPOLL ? "epoll" : "nio (epoll unavailable: " + Epoll.unavailabilityCause() + ")";
    }
}
