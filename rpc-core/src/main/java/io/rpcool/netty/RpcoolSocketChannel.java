package io.rpcool.netty;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.internal.StringUtil;

import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.Transport;
import io.rpcool.daemon.DaemonException;
import io.rpcool.netty.ByteRing.CorruptRingException;

/**
 * A Netty {@link SocketChannel} whose byte stream runs through a {@link PipeDescriptor pipe} in a
 * channel's shared heap instead of a socket. A client connects by channel name ({@link RpcoolAddress})
 * or by an {@link InetSocketAddress} that {@link RpcoolAddresses} maps to one; the server side is
 * created by {@link RpcoolServerSocketChannel}. Runs on an {@link RpcoolEventLoopGroup}.
 *
 * <p>Copies: a write copies the {@code ByteBuf} into the ring (one copy); a read copies from the ring
 * into a buffer of the channel's allocator (one copy), which the pipeline owns and releases as usual.
 * Backpressure: bytes the ring cannot take stay in Netty's outbound buffer, so {@link #isWritable()}
 * turns false past the high water mark and true again once the peer has drained the ring.
 */
public final class RpcoolSocketChannel extends AbstractChannel implements SocketChannel, RpcoolEventLoop.Pollable
{
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** Most bytes handed to the pipeline in one buffer. */
    private static final int MAX_READ_BYTES = 64 * 1024;
    /** Most buffers handed to the pipeline per poll before the loop turns to other channels. */
    private static final int MAX_READS_PER_POLL = 16;
    private static final long PEER_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final RpcoolSocketChannelConfig config;
    private final RpcoolServerSocketChannel server;
    private final long pipeAllocation;
    private final int clientPid;
    private final ProcessHandle client;
    private volatile boolean open = true;
    private volatile boolean active;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile SocketAddress local;
    private volatile SocketAddress remote;
    private Pipe pipe;
    private Connection connection;
    private boolean readInterest;
    private boolean writePending;
    private long nextPeerCheckNs;
    private long bytesCopiedIn;
    private long bytesCopiedOut;

    /** A client channel; connect it with a {@link io.netty.bootstrap.Bootstrap}. */
    public RpcoolSocketChannel()
    {
        super(null);
        this.config = new RpcoolSocketChannelConfig(this);
        this.server = null;
        this.pipeAllocation = 0;
        this.clientPid = 0;
        this.client = null;
    }

    /** The server's end of a stream the handshake just opened. */
    RpcoolSocketChannel(final RpcoolServerSocketChannel server, final Pipe pipe, final long pipeAllocation, final int clientPid)
    {
        super(server);
        this.config = new RpcoolSocketChannelConfig(this);
        this.server = server;
        this.pipe = pipe;
        this.pipeAllocation = pipeAllocation;
        this.clientPid = clientPid;
        this.client = ProcessHandle.of(clientPid).orElse(null);
        this.local = server.localAddress();
        this.remote = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        this.active = true;
    }

    @Override
    public RpcoolServerSocketChannel parent()
    {
        return (RpcoolServerSocketChannel)super.parent();
    }

    @Override
    public RpcoolSocketChannelConfig config()
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
        return open && active;
    }

    @Override
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        return (InetSocketAddress)super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0()
    {
        return RpcoolAddresses.inet(local);
    }

    @Override
    protected SocketAddress remoteAddress0()
    {
        return RpcoolAddresses.inet(remote);
    }

    /** Bytes this channel copied out of its inbound ring into pipeline buffers (read on its event loop). */
    public long bytesCopiedIn()
    {
        return bytesCopiedIn;
    }

    /** Bytes this channel copied from written buffers into its outbound ring (read on its event loop). */
    public long bytesCopiedOut()
    {
        return bytesCopiedOut;
    }

    /** Where this end's pipe lies (0 before connect and after close), for tests that play a hostile writer. */
    long pipeAddress()
    {
        final Pipe p = pipe;
        return p == null ? 0 : p.address;
    }

    @Override
    protected boolean isCompatible(final EventLoop loop)
    {
        return loop instanceof RpcoolEventLoop;
    }

    @Override
    protected AbstractUnsafe newUnsafe()
    {
        return new RpcoolUnsafe();
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
        local = localAddress;
    }

    @Override
    protected void doDisconnect() throws Exception
    {
        doClose();
    }

    @Override
    protected void doBeginRead()
    {
        readInterest = true;
    }

    @Override
    protected void doClose()
    {
        open = false;
        active = false;
        final Pipe p = pipe;
        pipe = null;
        if (p != null)
        {
            p.out.producerFlags(PipeDescriptor.OUTPUT_SHUTDOWN | PipeDescriptor.CLOSED);
            p.in.consumerFlags(PipeDescriptor.CLOSED);
            p.ringPeer();
        }
        if (server != null)
        {
            if (p != null)
            {
                server.childClosed(this, p, pipeAllocation, client);
            }
        }
        else if (connection != null)
        {
            // The pipe lies in the channel's shared heap: nothing of this end touches it any more.
            connection.close();
            connection = null;
        }
    }

    @Override
    protected void doShutdownOutput()
    {
        outputShutdown = true;
        final Pipe p = pipe;
        if (p != null)
        {
            p.out.producerFlags(PipeDescriptor.OUTPUT_SHUTDOWN);
            p.ringPeer();
        }
    }

    @Override
    protected Object filterOutboundMessage(final Object msg)
    {
        if (msg instanceof ByteBuf)
        {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg) +
            " (expected ByteBuf)");
    }

    @Override
    protected void doWrite(final ChannelOutboundBuffer in) throws Exception
    {
        final Pipe p = pipe;
        if (p == null)
        {
            throw new ClosedChannelException();
        }
        if ((p.out.consumerFlags() & PipeDescriptor.CLOSED) != 0)
        {
            throw new IOException("connection reset: the peer of " + this + " closed it");
        }
        int total = 0;
        try
        {
            while (true)
            {
                final Object msg = in.current();
                if (msg == null)
                {
                    writePending = false;
                    return;
                }
                final ByteBuf buf = (ByteBuf)msg;
                final int readable = buf.readableBytes();
                final int written = readable == 0 ? 0 : p.out.write(buf);
                bytesCopiedOut += written;
                total += written;
                if (readable == 0)
                {
                    in.remove();
                    continue;
                }
                in.removeBytes(written);
                if (written < readable)
                {
                    writePending = true;
                    return;
                }
            }
        }
        catch (final CorruptRingException e)
        {
            final IOException error = corrupt(e);
            pipeline().fireExceptionCaught(error);
            throw error;
        }
        finally
        {
            if (total > 0)
            {
                p.ringPeer();
            }
        }
    }

    private IOException corrupt(final CorruptRingException e)
    {
        return new IOException("connection " + this + " closed: its ring was corrupted (" + e.getMessage() + ")", e);
    }

    @Override
    public int poll()
    {
        if (pipe == null)
        {
            return 0;
        }
        int work = 0;
        try
        {
            if (writePending)
            {
                if (pipe.out.freeSpace() != 0 || (pipe.out.consumerFlags() & PipeDescriptor.CLOSED) != 0)
                {
                    // Room again, or a corrupt head or a reader gone, which the write reports: write what Netty still holds.
                    writePending = false;
                    ((RpcoolUnsafe)unsafe()).forceFlush();
                    work++;
                }
            }
            if (pipe != null && readInterest && !inputShutdown)
            {
                work += readRing();
            }
        }
        catch (final CorruptRingException e)
        {
            fail(corrupt(e));
            return 1;
        }
        if (work == 0 && pipe != null)
        {
            final long now = System.nanoTime();
            if (now - nextPeerCheckNs > 0)
            {
                nextPeerCheckNs = now + PEER_CHECK_NS;
                checkPeer();
            }
        }
        return work;
    }

    private int readRing()
    {
        int ready = pipe.in.available();
        if (ready == 0)
        {
            // Flags before the tail: once the peer says it wrote its last byte, the tail read next is final.
            if (pipe.in.producerFlags() == 0)
            {
                return 0;
            }
            ready = pipe.in.available();
            if (ready == 0)
            {
                onEndOfStream();
                return 1;
            }
        }
        final Pipe from = pipe;
        final ChannelPipeline p = pipeline();
        int reads = 0;
        while (ready > 0 && reads < MAX_READS_PER_POLL)
        {
            final int length = Math.min(ready, MAX_READ_BYTES);
            final ByteBuf buf = alloc().ioBuffer(length);
            pipe.in.read(buf, length);
            bytesCopiedIn += length;
            reads++;
            readInterest = config.isAutoRead();
            p.fireChannelRead(buf);
            if (pipe == null || !readInterest || inputShutdown)
            {
                break;
            }
            ready = pipe.in.available();
        }
        // The producer may sleep waiting for room (the pipe stays mapped until this loop closes it).
        from.ringPeerForRoom();
        p.fireChannelReadComplete();
        return reads;
    }

    /** The loop's last look before it sleeps on this channel's doorbell: would a poll find work? Reads only. */
    boolean ready()
    {
        final Pipe p = pipe;
        return p != null && p.ready(writePending, readInterest && !inputShutdown);
    }

    /** True if bytes wait in Netty's outbound buffer for room in the ring. */
    boolean writePending()
    {
        return writePending;
    }

    /** The pipe whose doorbell this end's loop may sleep on (null before connect and after close). */
    Pipe pipe()
    {
        return pipe;
    }

    private void onEndOfStream()
    {
        if (config.isAllowHalfClosure())
        {
            inputShutdown = true;
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        }
        else
        {
            unsafe().close(voidPromise());
        }
    }

    private void checkPeer()
    {
        if (server != null)
        {
            if (server.isClosing())
            {
                unsafe().close(voidPromise());
            }
            else if (client == null || !client.isAlive())
            {
                fail(new IOException("connection " + this + " closed: client process " + clientPid + " is gone"));
            }
        }
        else if (connection != null && (connection.goneReason() != null || !connection.isOpen()))
        {
            fail(new IOException("connection " + this + " closed: the server is gone (" + connection.goneReason() + ")"));
        }
    }

    private void fail(final IOException cause)
    {
        pipeline().fireExceptionCaught(cause);
        unsafe().close(voidPromise());
    }

    @Override
    public boolean isInputShutdown()
    {
        return inputShutdown || !isActive();
    }

    @Override
    public ChannelFuture shutdownInput()
    {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(final ChannelPromise promise)
    {
        if (eventLoop().inEventLoop())
        {
            inputShutdown = true;
            promise.setSuccess();
        }
        else
        {
            eventLoop().execute(() -> shutdownInput(promise));
        }
        return promise;
    }

    @Override
    public boolean isOutputShutdown()
    {
        return outputShutdown || !isActive();
    }

    @Override
    public ChannelFuture shutdownOutput()
    {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(final ChannelPromise promise)
    {
        if (eventLoop().inEventLoop())
        {
            ((AbstractUnsafe)unsafe()).shutdownOutput(promise);
        }
        else
        {
            eventLoop().execute(() -> shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public boolean isShutdown()
    {
        return isInputShutdown() && isOutputShutdown() || !isActive();
    }

    @Override
    public ChannelFuture shutdown()
    {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(final ChannelPromise promise)
    {
        final ChannelFuture output = shutdownOutput();
        output.addListener(f -> shutdownInput(promise));
        return promise;
    }

    /** Client side: open a stream on the channel {@code name}, blocking for the daemon and the handshake call. */
    private void open(final String name) throws IOException
    {
        final Rpcool rpcool = ((RpcoolEventLoop)eventLoop()).rpcool();
        final Connection conn;
        try
        {
            conn = rpcool.connect(name);
        }
        catch (final DaemonException e)
        {
            throw (IOException)new ConnectException("connection refused: " + e.getMessage()).initCause(e);
        }
        try
        {
            if (conn.transport() != Transport.SHARED_MEMORY)
            {
                throw new ConnectException("the server of " + name + " shares no memory with this process (transport " +
                    conn.transport() + "); streams over the fallback are not supported yet");
            }
            pipe = RpcoolServerSocketChannel.openStream(conn, name);
            connection = conn;
        }
        catch (final IOException | RuntimeException e)
        {
            conn.close();
            throw e;
        }
    }

    private final class RpcoolUnsafe extends AbstractUnsafe
    {
        @Override
        public void connect(final SocketAddress remoteAddress, final SocketAddress localAddress, final ChannelPromise promise)
        {
            if (!promise.setUncancellable() || !ensureOpen(promise))
            {
                return;
            }
            try
            {
                if (pipe != null || connection != null)
                {
                    throw new AlreadyConnectedException();
                }
                open(RpcoolAddresses.channelName(remoteAddress));
                remote = remoteAddress;
                local = localAddress != null ? localAddress : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
                active = true;
                promise.trySuccess();
                pipeline().fireChannelActive();
            }
            catch (final Throwable t)
            {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        void forceFlush()
        {
            super.flush0();
        }
    }
}
