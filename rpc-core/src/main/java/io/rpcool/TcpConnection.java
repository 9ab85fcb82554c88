package io.rpcool;

import static io.rpcool.TcpFrames.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.internal.PlatformDependent;

/**
 * The client end of a TCP fallback connection. Each slot has private request and reply buffers;
 * a call copies its request into a frame and its reply out of one. Over {@link Transport#DSM} the
 * calls travel the same way and the connection also has a {@link RemoteDsmHeap} ({@link #heap()}).
 */
final class TcpConnection extends Connection
{
    private final UnsafeBuffer memory;
    private final Transport transport;
    private volatile io.netty.channel.Channel netty;
    private volatile String refusal;
    private volatile boolean welcomed;
    private volatile Thread connector;
    /** What the server's WELCOME offered for the DSM heap: address, size, pager port. */
    private volatile long offeredAddress;
    private volatile long offeredSize;
    private volatile int offeredPort;
    private volatile RemoteDsmHeap dsm;

    TcpConnection(final Rpcool rpcool, final String channelName, final int slots, final int bufferSize, final Transport transport)
    {
        super(rpcool, channelName, slots, bufferSize);
        this.memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2 * slots * bufferSize, 64));
        this.transport = transport;
        initCalls();
    }

    @Override
    ClientCall newClientCall(final int slot)
    {
        final long base = memory.addressOffset() + 2L * slot * bufferSize;
        return new ClientCall(this, slot, base, base + bufferSize, bufferSize);
    }

    @Override
    public Transport transport()
    {
        return transport;
    }

    @Override
    public SharedHeap heap()
    {
        final RemoteDsmHeap h = dsm;
        if (h == null)
        {
            return super.heap();
        }
        checkOpen();
        return h.shared();
    }

    /**
     * Map the DSM heap the server's WELCOME offered, after checking every value in it, and format it.
     *
     * @param host           the server's address (the pager listens there too).
     * @param requestedSize  the size this side asked for.
     */
    void openDsmHeap(final String host, final long requestedSize)
    {
        try
        {
            dsm = RemoteDsmHeap.connect(this, host, offeredPort, offeredAddress, offeredSize, requestedSize);
        }
        catch (final RuntimeException e)
        {
            close();
            throw e;
        }
    }

    void attach(final io.netty.channel.Channel channel)
    {
        this.netty = channel;
    }

    void awaitWelcome(final long timeoutNs)
    {
        connector = Thread.currentThread();
        final long deadline = System.nanoTime() + timeoutNs;
        while (!welcomed && refusal == null && goneReason == null && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(this, 1_000_000);
        }
        connector = null;
        if (!welcomed)
        {
            netty.close();
            final String why = refusal != null ? refusal : goneReason != null ? goneReason : "no answer";
            if (refusal != null && refusal.startsWith("no channel"))
            {
                throw new io.rpcool.daemon.DaemonException(io.rpcool.daemon.ControlProtocol.E_NO_SUCH_CHANNEL, why);
            }
            throw new RpcException(Status.TRANSPORT_FAILED, "TCP connection to " + channelName + " refused: " + why);
        }
    }

    @Override
    void send(final ClientCall call)
    {
        final long callId = call.nextCallId();
        call.markInFlight(callId);
        if (closed || goneReason != null)
        {
            call.fail(goneException());
            throw call.failure;
        }
        final io.netty.channel.Channel ch = netty;
        final int length = call.requestLength;
        final ByteBuf frame = ch.alloc().directBuffer(HEADER_LENGTH + length);
        frame.writeInt(HEADER_LENGTH - 4 + length).writeByte(REQUEST).writeInt(call.slot).writeLong(callId)
            .writeInt(call.functionId).writeInt(0);
        copy(call.request.addressOffset(), frame, length);
        ch.writeAndFlush(frame, ch.voidPromise());
    }

    @Override
    boolean poll(final ClientCall call)
    {
        if (call.state != ClientCall.IN_FLIGHT)
        {
            return true;
        }
        if (closed || goneReason != null)
        {
            call.fail(goneException());
            return true;
        }
        return false;
    }

    @Override
    void watchAsync(final ClientCall call)
    {
        // Completed by the event loop when the response arrives.
    }

    SimpleChannelInboundHandler<ByteBuf> handler()
    {
        return new SimpleChannelInboundHandler<ByteBuf>()
        {
            @Override
            protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame)
            {
                onFrame(frame);
            }

            @Override
            public void channelInactive(final ChannelHandlerContext ctx)
            {
                peerGone("TCP connection closed");
            }

            @Override
            public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
            {
                peerGone("TCP connection failed: " + cause);
                ctx.close();
            }
        };
    }

    private void onFrame(final ByteBuf frame)
    {
        final int kind = frame.getByte(KIND_OFFSET);
        if (kind == WELCOME)
        {
            if (transport == Transport.DSM && frame.readableBytes() >= HEADER_LENGTH + DSM_WELCOME_LENGTH)
            {
                offeredAddress = frame.getLong(HEADER_LENGTH);
                offeredSize = frame.getLong(HEADER_LENGTH + 8);
                offeredPort = frame.getInt(HEADER_LENGTH + 16);
            }
            welcomed = true;
            wakeConnector();
            return;
        }
        if (kind == REFUSED)
        {
            refusal = frame.toString(HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH, StandardCharsets.UTF_8);
            wakeConnector();
            return;
        }
        if (kind != RESPONSE)
        {
            return;
        }
        final int slot = frame.getInt(SLOT_OFFSET);
        if (slot < 0 || slot >= slotCount)
        {
            return;
        }
        final ClientCall call = calls[slot];
        if (call.state != ClientCall.IN_FLIGHT || call.callId != frame.getLong(CALL_ID_OFFSET))
        {
            return;
        }
        final int status = frame.getInt(STATUS_OFFSET);
        final int length = frame.readableBytes() - HEADER_LENGTH;
        if (length > bufferSize)
        {
            call.fail(new RpcException(Status.MALFORMED_REPLY, "reply of " + length + " bytes exceeds the buffer"));
            return;
        }
        copyOut(frame, call.replyAddress, length);
        complete(call, status, length);
    }

    /** Append {@code length} bytes at {@code address} to {@code frame}. */
    private static void copy(final long address, final ByteBuf frame, final int length)
    {
        frame.ensureWritable(length);
        if (frame.hasMemoryAddress())
        {
            PlatformDependent.copyMemory(address, frame.memoryAddress() + frame.writerIndex(), length);
            frame.writerIndex(frame.writerIndex() + length);
        }
        else
        {
            final byte[] bytes = new byte[length];
            new UnsafeBuffer(address, length).getBytes(0, bytes);
            frame.writeBytes(bytes);
        }
    }

    /** Copy the payload of {@code frame} to {@code address}. */
    private static void copyOut(final ByteBuf frame, final long address, final int length)
    {
        final int from = frame.readerIndex() + HEADER_LENGTH;
        if (frame.hasMemoryAddress())
        {
            PlatformDependent.copyMemory(frame.memoryAddress() + from, address, length);
        }
        else
        {
            final byte[] bytes = new byte[length];
            frame.getBytes(from, bytes);
            new UnsafeBuffer(address, length).putBytes(0, bytes);
        }
    }

    @Override
    boolean parksWhileWaiting()
    {
        return true;
    }

    private void wakeConnector()
    {
        final Thread t = connector;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    @Override
    void peerGone(final String reason)
    {
        super.peerGone(reason);
        wakeConnector();
        for (final ClientCall call : calls)
        {
            if (call.state == ClientCall.IN_FLIGHT)
            {
                call.fail(goneException());
            }
        }
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final ClientCall call : calls)
        {
            if (call.state == ClientCall.IN_FLIGHT)
            {
                call.fail(goneException());
            }
        }
        final io.netty.channel.Channel ch = netty;
        if (ch != null)
        {
            ch.close().awaitUninterruptibly(1000);
        }
        final RemoteDsmHeap h = dsm;
        if (h != null)
        {
            h.close();
        }
    }
}
