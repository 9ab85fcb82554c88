package io.rpcool.bench.systems.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.rpcool.bench.fork.ClientSupport;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of {@code netty-tcp} whose ping-pong runs on its event loop: each reply
 * triggers the next request from the same thread, so no call hands over between threads. The
 * request buffer is reused and the write promise is the void promise, so a round trip allocates
 * nothing.
 */
final class PingPongConnection extends ChannelInboundHandlerAdapter
{
    static final int MESSAGE_LENGTH = 8;

    /**
     * Outcome of one phase.
     *
     * @param calls    round trips completed.
     * @param startNs  when the first request was sent.
     * @param endNs    when the last reply arrived.
     */
    record Phase(long calls, long startNs, long endNs)
    {
        double opsPerS()
        {
            return endNs > startNs ? calls * 1e9 / (endNs - startNs) : 0.0;
        }
    }

    private final ByteBuf request = PooledByteBufAllocator.DEFAULT.directBuffer(MESSAGE_LENGTH, MESSAGE_LENGTH);
    private final ByteBuf reply = PooledByteBufAllocator.DEFAULT.directBuffer(MESSAGE_LENGTH, MESSAGE_LENGTH);
    private Channel channel;
    private ChannelHandlerContext ctx;

    // phase state, touched only on the event loop
    private long nextSeq = 1;
    private boolean running;
    private long targetCalls;
    private long minEndNs;
    private long maxEndNs;
    private boolean untilStopped;
    private Histogram histogram;
    private long done;
    private long startNs;
    private long sentNs;
    private CompletableFuture<Phase> phase;

    private volatile boolean stop;

    /**
     * @param group     event loop the connection runs on.
     * @param endpoint  {@code host:port}.
     * @return the connected connection.
     * @throws InterruptedException if interrupted while connecting.
     */
    static PingPongConnection connect(final EventLoopGroup group, final String endpoint) throws InterruptedException
    {
        final int colon = endpoint.lastIndexOf(':');
        final InetSocketAddress address = new InetSocketAddress(
            endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
        final PingPongConnection connection = new PingPongConnection();
        connection.channel = new Bootstrap()
            .group(group)
            .channel(NettyTransport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(connection)
            .connect(address)
            .sync()
            .channel();
        return connection;
    }

    /**
     * Round trips until {@code calls} are done and {@code minMs} passed, or {@code maxMs} passed.
     *
     * @param calls      minimum round trips.
     * @param minMs      minimum duration.
     * @param maxMs      maximum duration.
     * @param histogram  records each round trip, or {@code null}.
     * @return completes when the phase ends.
     */
    CompletableFuture<Phase> runFor(final long calls, final long minMs, final long maxMs, final Histogram histogram)
    {
        return start(calls, minMs, maxMs, histogram, false);
    }

    /**
     * Round trips until {@link #stop()} is called.
     *
     * @return completes when the phase ends.
     */
    CompletableFuture<Phase> runUntilStopped()
    {
        stop = false;
        return start(0, 0, Long.MAX_VALUE / 4_000_000, null, true);
    }

    void stop()
    {
        stop = true;
    }

    void close() throws InterruptedException
    {
        channel.close().sync();
        request.release();
        reply.release();
    }

    private CompletableFuture<Phase> start(
        final long calls, final long minMs, final long maxMs, final Histogram histogram, final boolean untilStopped)
    {
        final CompletableFuture<Phase> future = new CompletableFuture<>();
        channel.eventLoop().execute(() ->
        {
            if (running)
            {
                future.completeExceptionally(new IllegalStateException("phase already running"));
                return;
            }
            running = true;
            phase = future;
            targetCalls = calls;
            this.histogram = histogram;
            this.untilStopped = untilStopped;
            done = 0;
            startNs = System.nanoTime();
            minEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(minMs);
            maxEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(maxMs);
            send();
        });
        return future;
    }

    private void send()
    {
        request.setLong(0, nextSeq);
        request.setIndex(0, MESSAGE_LENGTH);
        sentNs = System.nanoTime();
        ctx.writeAndFlush(request.retain(), ctx.voidPromise());
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf in = (ByteBuf)msg;
        try
        {
            if (!running || in.readableBytes() > reply.writableBytes())
            {
                fail(new IllegalStateException("unexpected " + in.readableBytes() + " bytes from the server"));
                return;
            }
            reply.writeBytes(in);
        }
        finally
        {
            in.release();
        }
        if (reply.readableBytes() < MESSAGE_LENGTH)
        {
            return;
        }
        final long nowNs = System.nanoTime();
        final long value = reply.getLong(0);
        reply.clear();
        if (value != nextSeq)
        {
            fail(new IllegalStateException("reply " + value + " does not echo request " + nextSeq));
            return;
        }
        nextSeq++;
        done++;
        if (histogram != null)
        {
            histogram.recordValue(Math.min(nowNs - sentNs, ClientSupport.HIGHEST_TRACKABLE_NS));
        }
        final boolean finished = untilStopped ? stop :
            (done >= targetCalls && nowNs - minEndNs >= 0) || nowNs - maxEndNs >= 0;
        if (finished)
        {
            running = false;
            phase.complete(new Phase(done, startNs, nowNs));
        }
        else
        {
            send();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        fail(new IOException("connection closed"));
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        fail(cause);
        ctx.close();
    }

    private void fail(final Throwable cause)
    {
        if (running)
        {
            running = false;
            phase.completeExceptionally(cause);
        }
    }
}
