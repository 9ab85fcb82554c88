package io.rpcool.bench.ycsb.memcached;

import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.ADD;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.ADDQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.APPEND;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.APPENDQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.DECREMENT;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.DECREMENTQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.DELETE;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.DELETEQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.FLUSH;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.FLUSHQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GAT;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GATK;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GATKQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GATQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GET;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GETK;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GETKQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.GETQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.INCREMENT;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.INCREMENTQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.NOOP;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.PREPEND;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.PREPENDQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.QUIT;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.QUITQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.REPLACE;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.REPLACEQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.SET;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.SETQ;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.STAT;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.TOUCH;
import static io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes.VERSION;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheResponseStatus;
import io.netty.handler.codec.memcache.binary.DefaultFullBinaryMemcacheResponse;
import io.netty.handler.codec.memcache.binary.FullBinaryMemcacheRequest;

/**
 * Answers binary-protocol requests from a {@link MemcachedStore}: get (and getq, getk, getkq), set,
 * add, replace, append, prepend, delete, increment, decrement (each with its quiet form), touch, gat,
 * flush, noop, version, stat (an empty list) and quit. Quiet forms answer only on a miss for gets,
 * and only on failure for the others, as memcached does. Replies are flushed when the loop has read
 * everything the peer sent, so pipelined requests share one flush. One instance serves every channel.
 */
@Sharable
final class MemcachedServerHandler extends SimpleChannelInboundHandler<FullBinaryMemcacheRequest>
{
    static final String VERSION_STRING = "1.6.0-rpcool-netty";
    static final int MAX_KEY_BYTES = 250;
    private static final System.Logger LOG = System.getLogger(MemcachedServerHandler.class.getName());

    private final MemcachedStore store;

    MemcachedServerHandler(final MemcachedStore store)
    {
        this.store = store;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req)
    {
        final byte op = req.opcode();
        final ByteBuf keyBuf = req.key();
        final int keyLength = keyBuf == null ? 0 : keyBuf.readableBytes();
        if (keyLength > MAX_KEY_BYTES)
        {
            reply(ctx, req, BinaryMemcacheResponseStatus.EINVA, null, null, text(ctx, "key too long"), 0);
            return;
        }
        final MemcachedStore.Key key = keyLength == 0 ? null : new MemcachedStore.Key(bytes(keyBuf));
        switch (op)
        {
            case GET, GETQ, GETK, GETKQ, GAT, GATQ, GATK, GATKQ:
                get(ctx, req, key);
                break;
            case SET, SETQ, ADD, ADDQ, REPLACE, REPLACEQ:
                set(ctx, req, key);
                break;
            case APPEND, APPENDQ, PREPEND, PREPENDQ:
                concat(ctx, req, key, op == PREPEND || op == PREPENDQ);
                break;
            case DELETE, DELETEQ:
                mutated(ctx, req, key == null ? MemcachedStore.Outcome.NOT_FOUND : store.delete(key, req.cas()), 0);
                break;
            case INCREMENT, INCREMENTQ, DECREMENT, DECREMENTQ:
                delta(ctx, req, key, op == INCREMENT || op == INCREMENTQ);
                break;
            case TOUCH:
                touch(ctx, req, key);
                break;
            case FLUSH, FLUSHQ:
                store.flush();
                mutated(ctx, req, MemcachedStore.Outcome.STORED, 0);
                break;
            case NOOP, STAT:
                reply(ctx, req, BinaryMemcacheResponseStatus.SUCCESS, null, null, null, 0);
                break;
            case VERSION:
                reply(ctx, req, BinaryMemcacheResponseStatus.SUCCESS, null, null, text(ctx, VERSION_STRING), 0);
                break;
            case QUIT, QUITQ:
                if (op == QUIT)
                {
                    reply(ctx, req, BinaryMemcacheResponseStatus.SUCCESS, null, null, null, 0);
                }
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                break;
            default:
                reply(ctx, req, BinaryMemcacheResponseStatus.UNKNOWN_COMMAND, null, null, text(ctx, "unknown command"), 0);
        }
    }

    private void get(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final MemcachedStore.Key key)
    {
        final byte op = req.opcode();
        final boolean touch = op == GAT || op == GATQ || op == GATK || op == GATKQ;
        final MemcachedStore.Item item = key == null ? null : touch ? store.touch(key, req.extras().getInt(0)) : store.get(key);
        final boolean quiet = op == GETQ || op == GETKQ || op == GATQ || op == GATKQ;
        final boolean withKey = op == GETK || op == GETKQ || op == GATK || op == GATKQ;
        if (item == null)
        {
            if (!quiet)
            {
                reply(ctx, req, BinaryMemcacheResponseStatus.KEY_ENOENT, withKey ? req.key().retainedDuplicate() : null, null,
                    text(ctx, "Not found"), 0);
            }
            return;
        }
        final ByteBuf flags = ctx.alloc().buffer(4).writeInt(item.flags);
        reply(ctx, req, BinaryMemcacheResponseStatus.SUCCESS, withKey ? req.key().retainedDuplicate() : null, flags,
            Unpooled.wrappedBuffer(item.value), item.cas);
    }

    private void set(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final MemcachedStore.Key key)
    {
        final ByteBuf extras = req.extras();
        if (key == null || extras == null || extras.readableBytes() != 8)
        {
            reply(ctx, req, BinaryMemcacheResponseStatus.EINVA, null, null, text(ctx, "Invalid arguments"), 0);
            return;
        }
        final byte op = req.opcode();
        final char mode = op == ADD || op == ADDQ ? 'a' : op == REPLACE || op == REPLACEQ ? 'r' : 's';
        final long[] stored = new long[1];
        final MemcachedStore.Outcome outcome = store.store(key, bytes(req.content()), extras.getInt(extras.readerIndex()),
            extras.getInt(extras.readerIndex() + 4), req.cas(), mode, stored);
        mutated(ctx, req, outcome, stored[0]);
    }

    private void concat(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final MemcachedStore.Key key,
        final boolean front)
    {
        final long[] stored = new long[1];
        mutated(ctx, req, key == null ? MemcachedStore.Outcome.NOT_STORED :
            store.concat(key, bytes(req.content()), front, stored), stored[0]);
    }

    private void delta(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final MemcachedStore.Key key,
        final boolean up)
    {
        final ByteBuf extras = req.extras();
        if (key == null || extras == null || extras.readableBytes() != 20)
        {
            reply(ctx, req, BinaryMemcacheResponseStatus.EINVA, null, null, text(ctx, "Invalid arguments"), 0);
            return;
        }
        final int at = extras.readerIndex();
        final long[] result = new long[2];
        final MemcachedStore.Outcome outcome = store.delta(key, extras.getLong(at), up, extras.getLong(at + 8),
            extras.getInt(at + 16), result);
        if (outcome != MemcachedStore.Outcome.STORED)
        {
            mutated(ctx, req, outcome, 0);
            return;
        }
        final byte op = req.opcode();
        if (op != INCREMENTQ && op != DECREMENTQ)
        {
            reply(ctx, req, BinaryMemcacheResponseStatus.SUCCESS, null, null, ctx.alloc().buffer(8).writeLong(result[0]), result[1]);
        }
    }

    private void touch(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final MemcachedStore.Key key)
    {
        final ByteBuf extras = req.extras();
        if (key == null || extras == null || extras.readableBytes() != 4)
        {
            reply(ctx, req, BinaryMemcacheResponseStatus.EINVA, null, null, text(ctx, "Invalid arguments"), 0);
            return;
        }
        final MemcachedStore.Item item = store.touch(key, extras.getInt(extras.readerIndex()));
        mutated(ctx, req, item == null ? MemcachedStore.Outcome.NOT_FOUND : MemcachedStore.Outcome.STORED,
            item == null ? 0 : item.cas);
    }

    /** Answer a mutation: quiet forms only on failure. */
    private void mutated(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final MemcachedStore.Outcome outcome,
        final long cas)
    {
        final boolean quiet = isQuiet(req.opcode());
        switch (outcome)
        {
            case STORED:
                if (!quiet)
                {
                    reply(ctx, req, BinaryMemcacheResponseStatus.SUCCESS, null, null, null, cas);
                }
                break;
            case NOT_FOUND:
                reply(ctx, req, BinaryMemcacheResponseStatus.KEY_ENOENT, null, null, text(ctx, "Not found"), 0);
                break;
            case EXISTS:
                reply(ctx, req, BinaryMemcacheResponseStatus.KEY_EEXISTS, null, null, text(ctx, "Data exists for key."), 0);
                break;
            case NOT_A_NUMBER:
                reply(ctx, req, BinaryMemcacheResponseStatus.DELTA_BADVAL, null, null,
                    text(ctx, "Non-numeric server-side value for incr or decr"), 0);
                break;
            default:
                reply(ctx, req, BinaryMemcacheResponseStatus.NOT_STORED, null, null, text(ctx, "Not stored."), 0);
        }
    }

    private static boolean isQuiet(final byte op)
    {
        return op == SETQ || op == ADDQ || op == REPLACEQ || op == DELETEQ || op == INCREMENTQ || op == DECREMENTQ ||
            op == APPENDQ || op == PREPENDQ || op == FLUSHQ || op == QUITQ;
    }

    private static void reply(final ChannelHandlerContext ctx, final FullBinaryMemcacheRequest req, final short status,
        final ByteBuf key, final ByteBuf extras, final ByteBuf value, final long cas)
    {
        final ByteBuf content = value == null ? Unpooled.EMPTY_BUFFER : value;
        final DefaultFullBinaryMemcacheResponse res = new DefaultFullBinaryMemcacheResponse(key, extras, content);
        res.setOpcode(req.opcode());
        res.setOpaque(req.opaque());
        res.setStatus(status);
        res.setCas(cas);
        res.setTotalBodyLength(res.keyLength() + res.extrasLength() + content.readableBytes());
        ctx.write(res, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.log(System.Logger.Level.WARNING, "memcached server: closing connection " + ctx.channel() + ": " + cause);
        ctx.close();
    }

    private static ByteBuf text(final ChannelHandlerContext ctx, final String s)
    {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bytes(final ByteBuf buf)
    {
        final byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }
}
