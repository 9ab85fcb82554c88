package io.rpcool.bench.ycsb.memcached;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheClientCodec;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheObjectAggregator;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheResponseStatus;
import io.netty.handler.codec.memcache.binary.DefaultFullBinaryMemcacheRequest;
import io.netty.handler.codec.memcache.binary.FullBinaryMemcacheResponse;

/**
 * A blocking Memcached client (binary protocol) on one Netty connection of any transport: the caller
 * picks the channel class, the event loop group and the address ({@link MemcachedTransport} gives
 * them), nothing else changes. One request is outstanding at a time; calls from several threads
 * take turns. A call that gets no answer within the timeout, or whose connection fails or closes,
 * throws an {@link IOException} that says which.
 *
 * <pre>{@code
 * MemcachedTransport t = MemcachedTransport.RPCOOL_SHM;
 * try (MemcachedClient c = MemcachedClient.connect(t.clientChannel(), group, t.address("/ycsb/memcached"), 10_000)) {
 *     c.set("k", "v".getBytes());
 *     byte[] v = c.get("k");
 * }
 * }</pre>
 */
public final class MemcachedClient implements AutoCloseable
{
    /**
     * How long a waiting caller spins before it parks ({@code -Dbench.memcached.spinNs}, default 0).
     * The event loop threads already poll; a caller that spins too takes a core from them on a small
     * host: on 2 cores a 50 us spin cut RPCool's round trips from about 30,000/s to 1,500/s.
     */
    static final long SPIN_NS = Long.getLong("bench.memcached.spinNs", 0);

    /** One answer: its status, flags, CAS and value. */
    public static final class Response
    {
        private final short status;
        private final int flags;
        private final long cas;
        private final byte[] value;

        Response(final short status, final int flags, final long cas, final byte[] value)
        {
            this.status = status;
            this.flags = flags;
            this.cas = cas;
            this.value = value;
        }

        /** @return a {@link BinaryMemcacheResponseStatus} code. */
        public short status()
        {
            return status;
        }

        public int flags()
        {
            return flags;
        }

        public long cas()
        {
            return cas;
        }

        /** @return the value (or the error text of a failed request). */
        public byte[] value()
        {
            return value;
        }

        public boolean ok()
        {
            return status == BinaryMemcacheResponseStatus.SUCCESS;
        }
    }

    private final Channel channel;
    private final long timeoutNs;
    private final Handler handler;
    private int nextOpaque;

    private MemcachedClient(final Channel channel, final Handler handler, final long timeoutMs)
    {
        this.channel = channel;
        this.handler = handler;
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /**
     * @param channelClass the transport's client channel class.
     * @param group        event loops for that channel class.
     * @param address      the server's address.
     * @param timeoutMs    deadline of the connect and of every call.
     * @return a connected client.
     * @throws IOException if the connection cannot be opened in time.
     */
    public static MemcachedClient connect(final Class<? extends Channel> channelClass, final EventLoopGroup group,
        final SocketAddress address, final long timeoutMs) throws IOException
    {
        final Handler handler = new Handler();
        final ChannelFuture connect = new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, timeoutMs))
            .handler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(new MemcachedFrameGuard(MemcachedFrameGuard.RESPONSE_MAGIC, MemcachedServer.MAX_BODY_BYTES),
                        new BinaryMemcacheClientCodec(),
                        new BinaryMemcacheObjectAggregator(MemcachedServer.MAX_BODY_BYTES),
                        handler);
                }
            })
            .connect(address);
        if (!connect.awaitUninterruptibly(timeoutMs + 1000))
        {
            connect.cancel(false);
            throw new IOException("memcached: no connection to " + address + " within " + timeoutMs + " ms");
        }
        if (!connect.isSuccess())
        {
            throw new IOException("memcached: cannot connect to " + address + ": " + connect.cause(), connect.cause());
        }
        return new MemcachedClient(connect.channel(), handler, timeoutMs);
    }

    /** @return the value, or null if the key is absent. */
    public byte[] get(final String key) throws IOException
    {
        final Response r = call(BinaryMemcacheOpcodes.GET, key, null, null, 0);
        return r.ok() ? r.value() : miss(r, key);
    }

    /** @return the whole answer of a get (with flags and CAS); status {@code KEY_ENOENT} if absent. */
    public Response gets(final String key) throws IOException
    {
        return call(BinaryMemcacheOpcodes.GET, key, null, null, 0);
    }

    /** Store unconditionally, no flags, no expiry. */
    public void set(final String key, final byte[] value) throws IOException
    {
        expectOk(store(BinaryMemcacheOpcodes.SET, key, value, 0, 0, 0), "set", key);
    }

    /**
     * @param opcode {@code SET}, {@code ADD} or {@code REPLACE}.
     * @param cas    the version the item must have, or 0.
     * @return the answer: {@code NOT_STORED}/{@code KEY_EEXISTS}/{@code KEY_ENOENT} as memcached gives them.
     */
    public Response store(final byte opcode, final String key, final byte[] value, final int flags, final int expiry,
        final long cas) throws IOException
    {
        final ByteBuf extras = Unpooled.buffer(8).writeInt(flags).writeInt(expiry);
        return call(opcode, key, extras, value, cas);
    }

    /** @return whether the key was there. */
    public boolean delete(final String key) throws IOException
    {
        final Response r = call(BinaryMemcacheOpcodes.DELETE, key, null, null, 0);
        if (r.ok())
        {
            return true;
        }
        miss(r, key);
        return false;
    }

    /** @return the new value; an absent key starts at {@code initial}. */
    public long increment(final String key, final long by, final long initial) throws IOException
    {
        final ByteBuf extras = Unpooled.buffer(20).writeLong(by).writeLong(initial).writeInt(0);
        final Response r = call(BinaryMemcacheOpcodes.INCREMENT, key, extras, null, 0);
        expectOk(r, "increment", key);
        return Unpooled.wrappedBuffer(r.value()).readLong();
    }

    /** @return the server's version string. */
    public String version() throws IOException
    {
        final Response r = call(BinaryMemcacheOpcodes.VERSION, null, null, null, 0);
        expectOk(r, "version", "");
        return new String(r.value(), StandardCharsets.US_ASCII);
    }

    /** Remove every item. */
    public void flush() throws IOException
    {
        expectOk(call(BinaryMemcacheOpcodes.FLUSH, null, null, null, 0), "flush", "");
    }

    /**
     * Send one request and wait for its answer.
     *
     * @throws IOException if the connection failed or closed, or no answer came within the timeout.
     */
    public synchronized Response call(final byte opcode, final String key, final ByteBuf extras, final byte[] value,
        final long cas) throws IOException
    {
        final ByteBuf keyBuf = key == null ? null : Unpooled.wrappedBuffer(key.getBytes(StandardCharsets.UTF_8));
        final ByteBuf content = value == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(value);
        final DefaultFullBinaryMemcacheRequest req = new DefaultFullBinaryMemcacheRequest(keyBuf, extras, content);
        req.setOpcode(opcode);
        req.setCas(cas);
        final int opaque = ++nextOpaque;
        req.setOpaque(opaque);
        req.setTotalBodyLength(req.keyLength() + req.extrasLength() + content.readableBytes());
        handler.expect(opaque, Thread.currentThread());
        channel.writeAndFlush(req, channel.voidPromise());
        return handler.await(opaque, timeoutNs, channel);
    }

    private static byte[] miss(final Response r, final String key) throws IOException
    {
        if (r.status() == BinaryMemcacheResponseStatus.KEY_ENOENT)
        {
            return null;
        }
        throw failed(r, "get", key);
    }

    private static void expectOk(final Response r, final String what, final String key) throws IOException
    {
        if (!r.ok())
        {
            throw failed(r, what, key);
        }
    }

    private static IOException failed(final Response r, final String what, final String key)
    {
        return new IOException("memcached: " + what + " '" + key + "' failed with status 0x" + Integer.toHexString(r.status()) +
            " (" + new String(r.value(), StandardCharsets.US_ASCII) + ")");
    }

    /** @return whether the connection is still open. */
    public boolean isOpen()
    {
        return channel.isActive();
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Receives answers on the event loop and hands each to the waiting caller. */
    private static final class Handler extends SimpleChannelInboundHandler<FullBinaryMemcacheResponse>
    {
        private volatile Response response;
        private volatile IOException failure;
        private volatile int awaited;
        private volatile Thread waiter;

        void expect(final int opaque, final Thread caller)
        {
            response = null;
            waiter = caller;
            awaited = opaque;
        }

        Response await(final int opaque, final long timeoutNs, final Channel channel) throws IOException
        {
            final long start = System.nanoTime();
            final long spinUntil = start + SPIN_NS;
            final long deadline = start + timeoutNs;
            while (true)
            {
                final Response r = response;
                if (r != null)
                {
                    response = null;
                    return r;
                }
                final IOException f = failure;
                if (f != null)
                {
                    throw new IOException(f.getMessage(), f);
                }
                final long now = System.nanoTime();
                if (now - deadline >= 0)
                {
                    throw new IOException("memcached: no answer from " + channel.remoteAddress() + " within " +
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms (request " + opaque + ")");
                }
                if (now - spinUntil < 0)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(this, deadline - now);
                }
            }
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullBinaryMemcacheResponse msg)
        {
            if (msg.opaque() != awaited)
            {
                return; // an answer to a call that already timed out
            }
            final ByteBuf content = msg.content();
            final byte[] value = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), value);
            final ByteBuf extras = msg.extras();
            final int flags = extras != null && extras.readableBytes() >= 4 ? extras.getInt(extras.readerIndex()) : 0;
            response = new Response(msg.status(), flags, msg.cas(), value);
            LockSupport.unpark(waiter);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            fail(new IOException("memcached: connection " + ctx.channel() + " failed: " + cause.getMessage(), cause));
            ctx.close();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            fail(new IOException("memcached: connection " + ctx.channel() + " closed"));
        }

        private void fail(final IOException cause)
        {
            if (failure == null)
            {
                failure = cause;
            }
            final Thread t = waiter;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        }
    }
}
