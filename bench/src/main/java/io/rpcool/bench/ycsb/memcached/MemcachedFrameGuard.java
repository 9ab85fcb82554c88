package io.rpcool.bench.ycsb.memcached;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits before the binary codec and follows the frame boundaries of the raw byte stream, checking
 * each 24-byte header as it passes: the magic byte of a request (or of a response, on the client), a
 * key and extras that fit the body, and a body no longer than the limit. The bytes go on unchanged.
 * A header that fails closes that one connection with an exception that says why ({@link
 * CorruptedFrameException}, {@link TooLongFrameException}) before the codec waits for, or gathers,
 * any of its body.
 *
 * <pre>
 *  0      1      2    3    4        5       6    7    8 .. 11            12 .. 15  16 .. 23
 * +------+------+---------+--------+-------+---------+------------------+--------+--------+
 * |magic |opcode| key len |extras  |data   | vbucket/| total body length| opaque | cas    |
 * |      |      | (u16)   |len (u8)|type   | status  | (u32)            |        |        |
 * +------+------+---------+--------+-------+---------+------------------+--------+--------+
 * </pre>
 */
final class MemcachedFrameGuard extends ChannelInboundHandlerAdapter
{
    /** Magic byte of a request. */
    static final byte REQUEST_MAGIC = (byte)0x80;
    /** Magic byte of a response. */
    static final byte RESPONSE_MAGIC = (byte)0x81;
    static final int HEADER_LENGTH = 24;

    private final byte magic;
    private final int maxBodyBytes;
    private final byte[] header = new byte[HEADER_LENGTH];
    private int headerBytes;
    private long bodyLeft;

    MemcachedFrameGuard(final byte magic, final int maxBodyBytes)
    {
        this.magic = magic;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof ByteBuf)
        {
            final ByteBuf buf = (ByteBuf)msg;
            try
            {
                scan(buf);
            }
            catch (final DecoderException e)
            {
                ReferenceCountUtil.release(msg);
                throw e;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void scan(final ByteBuf buf)
    {
        int at = buf.readerIndex();
        final int end = buf.writerIndex();
        while (at < end)
        {
            if (bodyLeft > 0)
            {
                final int skip = (int)Math.min(bodyLeft, end - at);
                bodyLeft -= skip;
                at += skip;
                continue;
            }
            final int take = Math.min(HEADER_LENGTH - headerBytes, end - at);
            buf.getBytes(at, header, headerBytes, take);
            headerBytes += take;
            at += take;
            if (headerBytes == HEADER_LENGTH)
            {
                headerBytes = 0;
                bodyLeft = check();
            }
        }
    }

    /** @return the body length of the header just read. */
    private long check()
    {
        if (header[0] != magic)
        {
            throw new CorruptedFrameException(String.format("bad magic byte 0x%02x (expected 0x%02x)", header[0] & 0xff,
                magic & 0xff));
        }
        final int key = (header[2] & 0xff) << 8 | header[3] & 0xff;
        final int extras = header[4] & 0xff;
        final long body = ((long)(header[8] & 0xff) << 24) | (header[9] & 0xff) << 16 | (header[10] & 0xff) << 8 |
            header[11] & 0xff;
        if (body > maxBodyBytes)
        {
            throw new TooLongFrameException("frame body of " + body + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
        }
        if (key + extras > body)
        {
            throw new CorruptedFrameException("key (" + key + " bytes) and extras (" + extras +
                " bytes) longer than the frame body (" + body + " bytes)");
        }
        return body;
    }
}
