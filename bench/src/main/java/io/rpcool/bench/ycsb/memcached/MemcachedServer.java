package io.rpcool.bench.ycsb.memcached;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheObjectAggregator;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheServerCodec;

/**
 * A Memcached server (binary protocol, in memory) on any Netty transport: the caller picks the
 * channel class, the event loop groups and the address, as {@link MemcachedTransport} gives them.
 *
 * <pre>{@code
 * MemcachedTransport t = MemcachedTransport.UDS;
 * EventLoopGroup group = t.newGroup(2, null);
 * MemcachedServer server = MemcachedServer.start(t.serverChannel(), group, group, t.address("/tmp/mc.sock"));
 * }</pre>
 */
public final class MemcachedServer implements AutoCloseable
{
    /** Largest value stored, as memcached's default item size limit. */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    /** Largest frame body accepted: a value, a key and the largest extras. */
    public static final int MAX_BODY_BYTES = MAX_VALUE_BYTES + MemcachedServerHandler.MAX_KEY_BYTES + 32;

    private final Channel channel;
    private final MemcachedStore store;

    private MemcachedServer(final Channel channel, final MemcachedStore store)
    {
        this.channel = channel;
        this.store = store;
    }

    /**
     * @param channelClass the server channel class of the transport.
     * @param boss         group that accepts.
     * @param workers      group that serves the connections.
     * @param address      where to bind.
     * @return the bound server.
     * @throws InterruptedException if interrupted while binding.
     */
    public static MemcachedServer start(final Class<? extends ServerChannel> channelClass, final EventLoopGroup boss,
        final EventLoopGroup workers, final SocketAddress address) throws InterruptedException
    {
        final MemcachedStore store = new MemcachedStore();
        final MemcachedServerHandler handler = new MemcachedServerHandler(store);
        final Channel channel = new ServerBootstrap()
            .group(boss, workers)
            .channel(channelClass)
            .childHandler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(new MemcachedFrameGuard(MemcachedFrameGuard.REQUEST_MAGIC, MAX_BODY_BYTES),
                        new BinaryMemcacheServerCodec(),
                        new BinaryMemcacheObjectAggregator(MAX_BODY_BYTES),
                        handler);
                }
            })
            .bind(address).sync().channel();
        return new MemcachedServer(channel, store);
    }

    /** @return items stored now. */
    public int size()
    {
        return store.size();
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
