package io.rpcool.service;

import org.agrona.MutableDirectBuffer;

import io.rpcool.ReplyStatusException;
import io.rpcool.RpcException;
import io.rpcool.Status;

/**
 * Writes a typed call's arguments (or a handler's result) into the call's request (or reply)
 * buffer, in place: the wire form of {@code io.rpcool.service}. Generated stubs and dispatchers
 * call it directly, one method per value; nothing is reflected or allocated.
 *
 * <p>Wire form, little-endian, no padding: primitives at their Java width ({@code boolean} one
 * byte); {@code String} and {@code byte[]} an {@code int} length ({@code -1} for null) and the
 * bytes (UTF-8 for strings); {@code List}/{@code Map} an {@code int} count ({@code -1} for null)
 * and the elements (keys and values alternating); a record or a box a presence byte and its
 * components in declaration order; a shared container its {@code long} address in the connection's
 * heap ({@code 0} for null).
 *
 * <p>A value that does not fit the buffer fails the call: {@link Status#REQUEST_TOO_LARGE} on the
 * client, {@link Status#REPLY_TOO_LARGE} on the server.
 */
public final class ServiceWriter
{
    private MutableDirectBuffer buffer;
    private int position;
    private int limit;
    private ServiceMethod method;
    private boolean reply;

    /**
     * Write from {@code offset} up to {@code limit}: the arguments of a call of {@code method}, or its
     * result if {@code reply}.
     */
    public ServiceWriter wrap(
        final MutableDirectBuffer buffer, final int offset, final int limit, final ServiceMethod method, final boolean reply)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = limit;
        this.method = method;
        this.reply = reply;
        return this;
    }

    /** The offset of the next byte written: after the last value, the length to send. */
    public int position()
    {
        return position;
    }

    private int claim(final int length)
    {
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

    public void writeBoolean(final boolean value)
    {
        buffer.putByte(claim(1), (byte)(value ? 1 : 0));
    }

    public void writeByte(final byte value)
    {
        buffer.putByte(claim(1), value);
    }

    public void writeShort(final short value)
    {
        buffer.putShort(claim(2), value);
    }

    public void writeChar(final char value)
    {
        buffer.putChar(claim(2), value);
    }

    public void writeInt(final int value)
    {
        buffer.putInt(claim(4), value);
    }

    public void writeLong(final long value)
    {
        buffer.putLong(claim(8), value);
    }

    public void writeFloat(final float value)
    {
        buffer.putFloat(claim(4), value);
    }

    public void writeDouble(final double value)
    {
        buffer.putDouble(claim(8), value);
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
        buffer.putBytes(claim(value.length), value);
    }

    /** A string as its UTF-8 length and bytes, encoded straight into the buffer (no temporary array). */
    public void writeString(final String value)
    {
        if (value == null)
        {
            writeInt(-1);
            return;
        }
        final int lengthAt = claim(4);
        final int start = position;
        final int n = value.length();
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(claim(1), (byte)c);
            }
            else if (c < 0x800)
            {
                final int at = claim(2);
                buffer.putByte(at, (byte)(0xC0 | c >>> 6));
                buffer.putByte(at + 1, (byte)(0x80 | c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                final int at = claim(4);
                buffer.putByte(at, (byte)(0xF0 | cp >>> 18));
                buffer.putByte(at + 1, (byte)(0x80 | cp >>> 12 & 0x3F));
                buffer.putByte(at + 2, (byte)(0x80 | cp >>> 6 & 0x3F));
                buffer.putByte(at + 3, (byte)(0x80 | cp & 0x3F));
            }
            else
            {
                final char d = Character.isSurrogate(c) ? '?' : c;
                final int at = claim(3);
                buffer.putByte(at, (byte)(0xE0 | d >>> 12));
                buffer.putByte(at + 1, (byte)(0x80 | d >>> 6 & 0x3F));
                buffer.putByte(at + 2, (byte)(0x80 | d & 0x3F));
            }
        }
        buffer.putInt(lengthAt, position - start);
    }
}
