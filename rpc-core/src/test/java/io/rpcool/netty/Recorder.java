package io.rpcool.netty;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/** Client-side handler of the tests: digests what arrives and records events. */
final class Recorder extends ChannelInboundHandlerAdapter
{
    final CompletableFuture<Void> inputShutdown = new CompletableFuture<>();
    final CompletableFuture<Void> inactive = new CompletableFuture<>();
    final Queue<String> errors = new ConcurrentLinkedQueue<>();
    final AtomicLong received = new AtomicLong();
    final AtomicInteger writabilityChanges = new AtomicInteger();
    /** What arrived, as ASCII, while it is short (the digest covers everything). */
    final StringBuffer text = new StringBuffer();
    private final MessageDigest digest;

    Recorder()
    {
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf buf = (ByteBuf)msg;
        try
        {
            synchronized (digest)
            {
                digest.update(buf.nioBuffer());
            }
            if (text.length() < 4096)
            {
                text.append(buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            received.addAndGet(buf.readableBytes());
        }
        finally
        {
            buf.release();
        }
    }

    byte[] digest()
    {
        synchronized (digest)
        {
            return digest.digest();
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof ChannelInputShutdownEvent)
        {
            inputShutdown.complete(null);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        writabilityChanges.incrementAndGet();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        inactive.complete(null);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        errors.add(String.valueOf(cause.getMessage()));
        ctx.close();
    }
}
