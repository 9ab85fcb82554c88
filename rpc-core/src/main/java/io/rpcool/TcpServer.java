package io.rpcool;

import static io.rpcool.TcpFrames.*;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A channel's TCP fallback listener. Handlers run on the listener's event loops with the same
 * {@link ServerCall} API; the request is read from the received frame and the reply written into
 * the frame that is sent back, so each direction costs one copy into or out of the socket. The
 * request is the server's private copy, so it meets every seal requirement
 * ({@link io.rpcool.seal.Protection#COPY}). A client that asks for {@link Transport#DSM} gets a
 * {@link RemoteDsmHeap} as well ({@link ServerCall#heap()}); a handler touching a page the client
 * owns waits on its event loop for the page to come over.
 */
final class TcpServer implements AutoCloseable
{
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final io.netty.channel.Channel listener;
    private final Rpcool rpcool;
    private final String host;
    private volatile Channel channel;

    TcpServer(final Rpcool rpcool, final String host, final int port, final int threads)
    {
        this.rpcool = rpcool;
        this.host = host;
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("rpcool-tcp-accept", true));
        workers = new NioEventLoopGroup(threads, new DefaultThreadFactory("rpcool-tcp-handler", true));
        try
        {
            listener = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(TcpTransport.MAX_FRAME, 0, 4, 0, 0),
                            new ServerHandler());
                    }
                })
                .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
        }
        catch (final RuntimeException e)
        {
            close();
            throw new RpcException(Status.TRANSPORT_FAILED, "cannot listen on " + host + ":" + port + ": " + e, e);
        }
    }

    void channel(final Channel channel)
    {
        this.channel = channel;
    }

    int port()
    {
        return ((InetSocketAddress)listener.localAddress()).getPort();
    }

    @Override
    public void close()
    {
        if (listener != null)
        {
            listener.close().awaitUninterruptibly(1000);
        }
        TcpTransport.shutDown(boss, workers);
    }

    private final class ServerHandler extends SimpleChannelInboundHandler<ByteBuf>
    {
        private final ServerCall call = new ServerCall();
        private int bufferSize = -1;
        /** The connection heap of a DSM connection (event loop), null over the copy fallback. */
        private RemoteDsmHeap dsm;
        private volatile boolean inactive;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame)
        {
            final Channel ch = channel;
            final int kind = frame.getByte(KIND_OFFSET);
            if (bufferSize < 0)
            {
                onHello(ctx, frame, ch, kind);
                return;
            }
            if (kind != REQUEST || frame.readableBytes() < HEADER_LENGTH)
            {
                ctx.close();
                return;
            }
            final int slot = frame.getInt(SLOT_OFFSET);
            final long callId = frame.getLong(CALL_ID_OFFSET);
            final int functionId = frame.getInt(FUNCTION_OFFSET);
            final int requestLength = frame.readableBytes() - HEADER_LENGTH;
            final ByteBuf out = ctx.alloc().directBuffer(HEADER_LENGTH + bufferSize);
            int status = Status.OK.code();
            int replyLength = 0;
            final RpcHandler handler = ch == null ? null : ch.handler(functionId);
            if (handler == null)
            {
                replyLength = writeMessage(out, "no handler for function " + functionId + " on " + (ch == null ? "?" : ch.name()));
                status = Status.UNKNOWN_FUNCTION.code();
            }
            else if (requestLength > bufferSize)
            {
                replyLength = writeMessage(out, "request of " + requestLength + " bytes exceeds the buffer size " + bufferSize);
                status = Status.MALFORMED_REQUEST.code();
            }
            else
            {
                final ByteBuf direct = frame.isDirect() && frame.hasMemoryAddress() ?
                    frame : frame.alloc().directBuffer().writeBytes(frame);
                try
                {
                    call.heap = dsm == null ? null : dsm.attached();
                    call.request.wrap(direct.memoryAddress() + direct.readerIndex() + HEADER_LENGTH, requestLength);
                    call.reply.wrap(out.memoryAddress() + HEADER_LENGTH, bufferSize);
                    call.functionId = functionId;
                    call.replyLength = 0;
                    call.channelName = ch.name();
                    // The request is this process's own copy of the frame: no client can change it.
                    call.protection = io.rpcool.seal.Protection.COPY;
                    handler.onCall(call);
                    replyLength = call.replyLength;
                    ch.callsServed.increment();
                }
                catch (final Throwable t)
                {
                    replyLength = writeMessage(out, String.valueOf(t));
                    status = Status.ofHandlerFailure(t).code();
                }
                finally
                {
                    if (direct != frame)
                    {
                        direct.release();
                    }
                }
            }
            out.setInt(0, HEADER_LENGTH - 4 + replyLength).setByte(KIND_OFFSET, RESPONSE).setInt(SLOT_OFFSET, slot)
                .setLong(CALL_ID_OFFSET, callId).setInt(FUNCTION_OFFSET, functionId).setInt(STATUS_OFFSET, status);
            out.writerIndex(HEADER_LENGTH + replyLength);
            ctx.writeAndFlush(out, ctx.voidPromise());
        }

        private void onHello(final ChannelHandlerContext ctx, final ByteBuf frame, final Channel ch, final int kind)
        {
            final String name = frame.toString(HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH, StandardCharsets.UTF_8);
            final int requestedBuffer = frame.getInt(STATUS_OFFSET);
            final int mode = frame.getInt(SLOT_OFFSET);
            final long dsmSize = frame.getLong(CALL_ID_OFFSET);
            String refusal = null;
            RemoteDsmHeap.Offer offer = null;
            if (kind != HELLO)
            {
                refusal = "expected HELLO";
            }
            else if (ch == null || ch.isClosed() || !ch.name().equals(name))
            {
                refusal = "no channel named " + name + " at this endpoint";
            }
            else if (requestedBuffer < 64 || requestedBuffer > io.rpcool.layout.ConnectionDescriptor.MAX_BUFFER_SIZE)
            {
                refusal = "bad buffer size " + requestedBuffer;
            }
            else if (mode != MODE_COPY && mode != MODE_DSM)
            {
                refusal = "unknown transport " + mode;
            }
            else if (mode == MODE_DSM)
            {
                refusal = RemoteDsmHeap.checkSize(dsmSize);
                if (refusal == null)
                {
                    try
                    {
                        offer = RemoteDsmHeap.offer(rpcool, host, dsmSize);
                    }
                    catch (final RuntimeException e)
                    {
                        refusal = DSM_REFUSAL + e.getMessage();
                    }
                }
            }
            final ByteBuf out = ctx.alloc().directBuffer();
            out.writeInt(0).writeByte(refusal == null ? WELCOME : REFUSED).writeInt(0).writeLong(0).writeInt(0).writeInt(0);
            if (refusal != null)
            {
                out.writeBytes(refusal.getBytes(StandardCharsets.UTF_8));
            }
            else if (offer != null)
            {
                out.writeLong(offer.address).writeLong(offer.size).writeInt(offer.listener.port());
                acceptDsm(ctx, offer, name);
            }
            out.setInt(0, out.readableBytes() - 4);
            if (refusal == null)
            {
                bufferSize = requestedBuffer;
                ctx.writeAndFlush(out);
            }
            else
            {
                ctx.writeAndFlush(out).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }

        /**
         * Wait for the client's pager on a thread of its own; reading the connection's frames stops
         * until the heap is there, so no call runs before it.
         */
        private void acceptDsm(final ChannelHandlerContext ctx, final RemoteDsmHeap.Offer offer, final String name)
        {
            ctx.channel().config().setAutoRead(false);
            final Thread t = new Thread(() ->
            {
                final RemoteDsmHeap heap;
                try
                {
                    heap = offer.accept(name);
                }
                catch (final RuntimeException e)
                {
                    ctx.close();
                    return;
                }
                ctx.channel().eventLoop().execute(() ->
                {
                    if (inactive)
                    {
                        heap.close();
                        return;
                    }
                    dsm = heap;
                    ctx.channel().config().setAutoRead(true);
                });
            }, "rpcool-dsm-accept");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            inactive = true;
            if (dsm != null)
            {
                dsm.close();
                dsm = null;
            }
            ctx.fireChannelInactive();
        }

        private int writeMessage(final ByteBuf out, final String message)
        {
            final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            final int n = Math.min(bytes.length, bufferSize);
            out.setBytes(HEADER_LENGTH, bytes, 0, n);
            return n;
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
