package io.rpcool.bench.systems.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.rpcool.bench.fork.ServerSupport;

import java.net.InetSocketAddress;

/**
 * Server of {@code netty-tcp}: echoes every byte it reads back on the same connection; with one
 * 8-byte request outstanding per connection that is an 8-byte echo, whatever the segmentation.
 */
public final class NettyTcpServer
{
    private NettyTcpServer()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            ServerSupport.scratchDir(args);
            final EventLoopGroup boss = NettyTransport.group(1);
            final EventLoopGroup workers = NettyTransport.group(0);
            final Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NettyTransport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(Echo.INSTANCE)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
            System.err.println("netty-tcp server transport: " + NettyTransport.describe());
            final InetSocketAddress address = (InetSocketAddress)channel.localAddress();
            ServerSupport.serve(address.getHostString() + ":" + address.getPort(), () ->
            {
                channel.close().sync();
                boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            });
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter
    {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
