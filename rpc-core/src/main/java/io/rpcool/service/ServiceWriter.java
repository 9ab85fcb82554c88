package io.rpcool.service;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.ReplyStatusException;
import io.rpcool.RpcException;
import io.rpcool.Status;
import io.rpcool.mem.Allocator;

/**
 * Writes a typed call's arguments (or a handler's result) into the call's request (or reply)
 * buffer, in place: the wire form of {@code io.rpcool.service}. Generated stubs and dispatchers
 * call it directly, one method per value; nothing is reflected or allocated.
 *
 * <p>Wire form, little-endian, no padding: primitives at their Java width ({@code boolean} one
 * byte); {@code String} and {@code byte[]} an {@code int} length ({@code -1} for null) and the
 * bytes (UTF-8 for strings); {@code List}/{@code Map} an {@code int} count ({@code -1} for null)
 * and the elements (keys and values alternating); a record or a box a presence byte and its
 * components in declaration order; an enum its {@code int} ordinal ({@code -1} for null); a shared
 * container its {@code long} address in the connection's heap ({@code 0} for null).
 *
 * <p>A value that does not fit the buffer fails the call: {@link Status#REQUEST_TOO_LARGE} on the
 * client, {@link Status#REPLY_TOO_LARGE} on the server. Over shared memory, arguments and results of a
 * method that is neither sealed nor sandboxed spill into a block of the connection's heap instead
 * ({@link #spillTo}).
 */
public final class ServiceWriter
{
    /** Smallest block arguments spill into. */
    private static final int MIN_SPILL = 64 * 1024;

    private MutableDirectBuffer buffer;
    private int position;
    private int limit;
    private ServiceMethod method;
    private boolean reply;
    /** Where the first value starts: what a spill moves. */
    private int base;
    /** Where arguments that outgrow the request buffer go, or null: the connection's heap, over shared memory. */
    private Allocator spillHeap;
    private final UnsafeBuffer spill = new UnsafeBuffer(0, 0);
    private long spillAddress;

    /**
     * Write from {@code offset} up to {@code limit}: the arguments of a call of {@code method}, or its
     * result if {@code reply}.
     */
    public ServiceWriter wrap(
        final MutableDirectBuffer buffer, final int offset, final int limit, final ServiceMethod method, final boolean reply)
    {
        this.buffer = buffer;
        this.position = offset;
        this.base = offset;
        this.limit = limit;
        this.method = method;
        this.reply = reply;
        this.spillHeap = null;
        this.spillAddress = Allocator.NULL_ADDRESS;
        return this;
    }

    /**
     * Let arguments (or a result) that outgrow the buffer continue in a block of {@code heap} (the
     * connection's data heap, over shared memory); the call (or reply) then carries the block's address
     * and length.
     */
    public ServiceWriter spillTo(final Allocator heap)
    {
        this.spillHeap = heap;
        return this;
    }

    /** The block the values spilled into, or {@link Allocator#NULL_ADDRESS} if they fit the buffer. */
    public long spillAddress()
    {
        return spillAddress;
    }

    /** The offset of the next byte written: after the last value, the length to send. */
    public int position()
    {
        return position;
    }

    private int claim(final int length)
    {
        if (length > limit - position && spillHeap != null)
        {
            spill(length);
        }
        final int at = position;
        if (length > limit - at)
        {
            final String message = (reply ? "the result of " : "the arguments of ") + method + " do not fit the " + limit +
                "-byte buffer (" + (at + length) + " bytes and counting); pass large values by reference in a shared " +
                "container, or set ConnectOptions.bufferSize";
            throw reply ? new ReplyStatusException(Status.REPLY_TOO_LARGE, message) : new RpcException(Status.REQUEST_TOO_LARGE, message);
        }
        position = at + length;
        return at;
    }

    /**
     * Move what was written since the first argument into a heap block with room for {@code length} more
     * bytes (twice what is needed), and write there from now on.
     */
    private void spill(final int length)
    {
        final int start = spillAddress == Allocator.NULL_ADDRESS ? base : 0;
        final long written = position - start;
        final long capacity = Math.max(MIN_SPILL, 2 * (written + length));
        if (capacity > Integer.MAX_VALUE)
        {
            return;
        }
        final long block = spillHeap.allocate(capacity);
        if (block == Allocator.NULL_ADDRESS)
        {
            return;
        }
        final UnsafeBuffer target = new UnsafeBuffer(block, (int)capacity);
        target.putBytes(0, buffer, start, (int)written);
        if (spillAddress != Allocator.NULL_ADDRESS)
        {
            spillHeap.free(spillAddress);
        }
        spillAddress = block;
        spill.wrap(block, (int)capacity);
        buffer = spill;
        position = (int)written;
        limit = (int)capacity;
    }

    public void writeBoolean(final boolean value)
    {
        final int at = claim(1);
        buffer.putByte(at, (byte)(value ? 1 : 0));
    }

    public void writeByte(final byte value)
    {
        final int at = claim(1);
        buffer.putByte(at, value);
    }

    public void writeShort(final short value)
    {
        final int at = claim(2);
        buffer.putShort(at, value);
    }

    public void writeChar(final char value)
    {
        final int at = claim(2);
        buffer.putChar(at, value);
    }

    public void writeInt(final int value)
    {
        final int at = claim(4);
        buffer.putInt(at, value);
    }

    public void writeLong(final long value)
    {
        final int at = claim(8);
        buffer.putLong(at, value);
    }

    public void writeFloat(final float value)
    {
        final int at = claim(4);
        buffer.putFloat(at, value);
    }

    public void writeDouble(final double value)
    {
        final int at = claim(8);
        buffer.putDouble(at, value);
    }

    /** A presence byte for a nullable record or box; the caller writes the value only if {@code present}. */
    public boolean writePresent(final boolean present)
    {
        writeBoolean(present);
        return present;
    }

    /** The element count of a list or map ({@code -1} for null). */
    public void writeCount(final int count)
    {
        writeInt(count);
    }

    /** The address of a shared container in the connection's heap ({@code 0} for null). */
    public void writeAddress(final long address)
    {
        writeLong(address);
    }

    public void writeBytes(final byte[] value)
    {
        if (value == null)
        {
            writeInt(-1);
            return;
        }
        writeInt(value.length);
        final int at = claim(value.length);
        buffer.putBytes(at, value);
    }

    /** A string as its UTF-8 length and bytes, encoded straight into the buffer (no temporary array). */
    public void writeString(final String value)
    {
        if (value == null)
        {
            writeInt(-1);
            return;
        }
        final int n = value.length();
        long length = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                length++;
            }
            else if (c < 0x800)
            {
                length += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                length += 4;
                i++;
            }
            else
            {
                length += 3;
            }
        }
        // One claim for the whole string, so that it never straddles a spill.
        int at = claim((int)Math.min(Integer.MAX_VALUE, 4 + length));
        final MutableDirectBuffer b = buffer;
        b.putInt(at, (int)length);
        at += 4;
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                b.putByte(at++, (byte)c);
            }
            else if (c < 0x800)
            {
                b.putByte(at++, (byte)(0xC0 | c >>> 6));
                b.putByte(at++, (byte)(0x80 | c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                b.putByte(at++, (byte)(0xF0 | cp >>> 18));
                b.putByte(at++, (byte)(0x80 | cp >>> 12 & 0x3F));
                b.putByte(at++, (byte)(0x80 | cp >>> 6 & 0x3F));
                b.putByte(at++, (byte)(0x80 | cp & 0x3F));
            }
            else
            {
                final char d = Character.isSurrogate(c) ? '?' : c;
                b.putByte(at++, (byte)(0xE0 | d >>> 12));
                b.putByte(at++, (byte)(0x80 | d >>> 6 & 0x3F));
                b.putByte(at++, (byte)(0x80 | d & 0x3F));
            }
        }
    }
}
