package io.rpcool.netty;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;

import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ServerSocketChannel;

import io.rpcool.Channel;
import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.ChannelOptions;
import io.rpcool.ServerCall;
import io.rpcool.SharedHeap;

/**
 * A Netty {@link ServerSocketChannel} that serves streams over shared memory: binding opens an RPCool
 * channel (its name from the bound address through {@link RpcoolAddresses}) with a heap shared by all
 * its connections. A client's handshake call ({@link #OPEN_STREAM}) makes the server allocate a
 * {@link PipeDescriptor pipe} in that heap and accept an {@link RpcoolSocketChannel} over it.
 *
 * <p>The pipes live in the channel's heap, not in the connection's, so a client that dies cannot take
 * the memory an accepted channel is reading away with it: the server's end sees the process gone, closes,
 * and frees the pipe. A pipe is freed once both ends have closed it (or the client has died); the heap
 * itself goes when this channel and every accepted channel have closed.
 */
public final class RpcoolServerSocketChannel extends AbstractServerChannel implements ServerSocketChannel, RpcoolEventLoop.Pollable
{
    /** Function id of the handshake: no request; reply: pipe address (long), ring capacity (int), status (int). */
    public static final int OPEN_STREAM = 1;
    static final int REPLY_LENGTH = 16;
    private static final int REFUSED_CLOSING = 1;
    private static final int REFUSED_NO_MEMORY = 2;
    private static final int REFUSED_NO_SHARED_MEMORY = 3;
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final long LINGER_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final RpcoolServerSocketChannelConfig config = new RpcoolServerSocketChannelConfig(this);
    private final Set<RpcoolSocketChannel> children = new HashSet<>();
    private final ConcurrentLinkedQueue<Linger> lingering = new ConcurrentLinkedQueue<>();
    private volatile boolean open = true;
    private volatile boolean closing;
    private volatile SocketAddress local;
    private Channel channel;
    private SharedHeap heap;
    private boolean channelClosed;
    private long nextLingerCheckNs;

    public RpcoolServerSocketChannel()
    {
        super();
    }

    @Override
    public RpcoolServerSocketChannelConfig config()
    {
        return config;
    }

    @Override
    public ChannelMetadata metadata()
    {
        return METADATA;
    }

    @Override
    public boolean isOpen()
    {
        return open;
    }

    @Override
    public boolean isActive()
    {
        return open && channel != null;
    }

    @Override
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        return null;
    }

    @Override
    protected SocketAddress localAddress0()
    {
        return RpcoolAddresses.inet(local);
    }

    /** The RPCool channel's name, once bound. */
    public String channelName()
    {
        final Channel ch = channel;
        return ch == null ? null : ch.name();
    }

    @Override
    protected boolean isCompatible(final EventLoop loop)
    {
        return loop instanceof RpcoolEventLoop;
    }

    @Override
    protected void doRegister()
    {
        ((RpcoolEventLoop)eventLoop()).add(this);
    }

    @Override
    protected void doDeregister()
    {
        ((RpcoolEventLoop)eventLoop()).remove(this);
    }

    @Override
    protected void doBind(final SocketAddress localAddress)
    {
        final String name = RpcoolAddresses.channelName(localAddress);
        final Channel ch = ((RpcoolEventLoop)eventLoop()).rpcool().openChannel(name,
            ChannelOptions.defaults().handlerThreads(1).sharedHeap(true));
        heap = ch.heap();
        ch.register(OPEN_STREAM, this::onOpenStream);
        local = localAddress;
        channel = ch;
    }

    @Override
    protected void doBeginRead()
    {
        // Streams are accepted as their handshakes arrive.
    }

    @Override
    protected void doClose()
    {
        open = false;
        final boolean last;
        synchronized (this)
        {
            closing = true;
            last = children.isEmpty();
        }
        // Accepted channels see the flag at their next poll and close; the last one closes the RPCool channel.
        lingering.clear();
        if (last)
        {
            closeChannel();
        }
    }

    boolean isClosing()
    {
        return closing;
    }

    /** On an RPCool handler thread: the handshake of a new stream. */
    private void onOpenStream(final ServerCall call)
    {
        final RpcoolSocketChannel child;
        final Pipe pipe;
        synchronized (this)
        {
            if (closing)
            {
                refuse(call, REFUSED_CLOSING);
                return;
            }
            if (call.clientPid() == 0)
            {
                refuse(call, REFUSED_NO_SHARED_MEMORY);
                return;
            }
            final int capacity = config.ringCapacity();
            final long allocation = heap.allocate(PipeDescriptor.length(capacity) + 64);
            if (allocation == 0)
            {
                refuse(call, REFUSED_NO_MEMORY);
                return;
            }
            pipe = Pipe.create((allocation + 63) & ~63L, capacity, call.clientPid());
            child = new RpcoolSocketChannel(this, pipe, allocation, call.clientPid());
            children.add(child);
        }
        try
        {
            eventLoop().execute(() ->
            {
                pipeline().fireChannelRead(child);
                pipeline().fireChannelReadComplete();
            });
        }
        catch (final RejectedExecutionException e)
        {
            childClosed(child, pipe, 0, null);
            refuse(call, REFUSED_CLOSING);
            return;
        }
        call.reply().putLong(0, pipe.address);
        call.reply().putInt(8, pipe.capacity);
        call.reply().putInt(12, 0);
        call.replyLength(REPLY_LENGTH);
    }

    private static void refuse(final ServerCall call, final int status)
    {
        call.reply().putLong(0, 0);
        call.reply().putInt(8, 0);
        call.reply().putInt(12, status);
        call.replyLength(REPLY_LENGTH);
    }

    /** Client side of the handshake: open a stream on {@code conn} and attach to its pipe. */
    static Pipe openStream(final Connection conn, final String name) throws ConnectException
    {
        try (ClientCall call = conn.newCall(OPEN_STREAM))
        {
            call.invoke(0);
            final DirectBuffer reply = call.reply();
            if (call.replyLength() != REPLY_LENGTH || reply.getInt(12) != 0)
            {
                throw new ConnectException("connection refused by " + name + ": " + (call.replyLength() >= 16 ?
                    refusal(reply.getInt(12)) : "malformed handshake reply"));
            }
            return Pipe.attach(conn.heap().regions(), reply.getLong(0), reply.getInt(8));
        }
    }

    static String refusal(final int status)
    {
        return status == REFUSED_CLOSING ? "the server channel is closing" :
            status == REFUSED_NO_MEMORY ? "no shared memory left for a pipe" :
            status == REFUSED_NO_SHARED_MEMORY ? "the client shares no memory with the server" : "status " + status;
    }

    /** An accepted channel closed (on its event loop); it no longer touches {@code pipe}. */
    void childClosed(final RpcoolSocketChannel child, final Pipe pipe, final long allocation, final ProcessHandle client)
    {
        final boolean last;
        synchronized (this)
        {
            children.remove(child);
            last = closing && children.isEmpty();
            if (!closing && allocation != 0)
            {
                lingering.add(new Linger(pipe, allocation, client));
            }
        }
        if (last)
        {
            closeChannel();
        }
    }

    private void closeChannel()
    {
        final Channel ch;
        synchronized (this)
        {
            if (channelClosed || channel == null)
            {
                return;
            }
            channelClosed = true;
            ch = channel;
        }
        ch.close();
    }

    /** Frees the pipes whose clients have closed them too or died. */
    @Override
    public int poll()
    {
        if (lingering.isEmpty())
        {
            return 0;
        }
        final long now = System.nanoTime();
        if (now - nextLingerCheckNs < 0)
        {
            return 0;
        }
        nextLingerCheckNs = now + LINGER_CHECK_NS;
        final List<Linger> done = new ArrayList<>();
        synchronized (this)
        {
            if (closing)
            {
                return 0;
            }
            for (final Linger l : lingering)
            {
                if ((l.pipe.in.producerFlags() & PipeDescriptor.CLOSED) != 0 || l.client == null || !l.client.isAlive())
                {
                    done.add(l);
                }
            }
            lingering.removeAll(done);
            for (final Linger l : done)
            {
                heap.free(l.allocation);
            }
        }
        return done.size();
    }

    /** True once the RPCool channel (and with it the heap of the pipes) is closed. */
    synchronized boolean isChannelClosed()
    {
        return channelClosed;
    }

    /** Pipes whose accepted channel has closed, freed once the client has closed them too. */
    int lingeringPipes()
    {
        return lingering.size();
    }

    private record Linger(Pipe pipe, long allocation, ProcessHandle client)
    {
    }
}
