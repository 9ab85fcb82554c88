package io.rpcool.netty;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;

/**
 * Echoes every byte back, pausing reads while the channel is not writable; when the peer shuts its
 * output down, writes what is left and shuts its own output down. Records exceptions.
 */
final class EchoHandler extends ChannelInboundHandlerAdapter
{
    static final Queue<String> ERRORS = new ConcurrentLinkedQueue<>();

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        ctx.write(msg);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
        if (!ctx.channel().isWritable())
        {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof ChannelInputShutdownEvent)
        {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener((ChannelFutureListener)f -> ((SocketChannel)ctx.channel()).shutdownOutput());
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ERRORS.add(String.valueOf(cause.getMessage()));
        ctx.close();
    }
}
