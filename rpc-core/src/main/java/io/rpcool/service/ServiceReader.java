package io.rpcool.service;

import org.agrona.DirectBuffer;

import io.rpcool.mem.RegionSet;

/**
 * Reads a typed call's arguments (or its result) where they lie: from the request buffer the
 * client wrote, or from the reply buffer the server wrote, in the wire form of {@link ServiceWriter}.
 * Every read is checked against the end of the message: a truncated or inconsistent message is a
 * {@link MalformedMessageException} (the dispatcher answers {@code MALFORMED_REQUEST}, a stub fails
 * with {@code MALFORMED_REPLY}), never a read past it.
 */
public final class ServiceReader
{
    /** Elements of a list or map whose elements may take no bytes at all (empty records): at most this many. */
    private static final int MAX_EMPTY_ELEMENTS = 1 << 16;

    private DirectBuffer buffer;
    private int position;
    private int limit;
    private RegionSet regions;
    private String noRegions = "no shared heap";
    /** The heap block a result spilled into, which the stub frees once it has read it; 0 if none. */
    long block;

    /** Read from {@code offset} up to {@code limit}. */
    public ServiceReader wrap(final DirectBuffer buffer, final int offset, final int limit)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = limit;
        this.regions = null;
        this.block = 0;
        return this;
    }

    /** The views shared containers are wrapped over, or null with the reason there are none. */
    ServiceReader regions(final RegionSet regions, final String noRegions)
    {
        this.regions = regions;
        this.noRegions = noRegions;
        return this;
    }

    /** The views (every read bounds-checked) through which shared-container arguments and results are read. */
    public RegionSet regions()
    {
        if (regions == null)
        {
            throw new UnsupportedOperationException(noRegions);
        }
        return regions;
    }

    public int position()
    {
        return position;
    }

    public int remaining()
    {
        return limit - position;
    }

    private int take(final int length)
    {
        final int at = position;
        if (length < 0 || length > limit - at)
        {
            throw new MalformedMessageException("message ends at byte " + limit + ", a value of " + length +
                " bytes was expected at byte " + at);
        }
        position = at + length;
        return at;
    }

    public boolean readBoolean()
    {
        final byte b = buffer.getByte(take(1));
        if (b != 0 && b != 1)
        {
            throw new MalformedMessageException("byte " + (position - 1) + " should be a boolean (0 or 1), it is " + b);
        }
        return b == 1;
    }

    public byte readByte()
    {
        return buffer.getByte(take(1));
    }

    public short readShort()
    {
        return buffer.getShort(take(2));
    }

    public char readChar()
    {
        return buffer.getChar(take(2));
    }

    public int readInt()
    {
        return buffer.getInt(take(4));
    }

    public long readLong()
    {
        return buffer.getLong(take(8));
    }

    public float readFloat()
    {
        return buffer.getFloat(take(4));
    }

    public double readDouble()
    {
        return buffer.getDouble(take(8));
    }

    public boolean readPresent()
    {
        return readBoolean();
    }

    public long readAddress()
    {
        return readLong();
    }

    /**
     * The count of a list or map ({@code -1} for null), checked against what is left of the message:
     * each element takes at least {@code minElementBytes}.
     */
    public int readCount(final int minElementBytes)
    {
        final int at = position;
        final int count = readInt();
        final long room = minElementBytes == 0 ? MAX_EMPTY_ELEMENTS : (long)remaining() / minElementBytes;
        if (count < -1 || count > room)
        {
            throw new MalformedMessageException("count " + count + " at byte " + at + " does not fit the " + remaining() +
                " bytes left of the message");
        }
        return count;
    }

    public byte[] readBytes()
    {
        final int length = readLength();
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(take(length), bytes);
        return bytes;
    }

    public String readString()
    {
        final int length = readLength();
        return length < 0 ? null : buffer.getStringWithoutLengthUtf8(take(length), length);
    }

    private int readLength()
    {
        final int at = position;
        final int length = readInt();
        if (length < -1 || length > remaining())
        {
            throw new MalformedMessageException("length " + length + " at byte " + at + " does not fit the " + remaining() +
                " bytes left of the message");
        }
        return length;
    }

    /** The message must end here: bytes left over mean the two sides disagree about its form. */
    public void expectEnd()
    {
        if (position != limit)
        {
            throw new MalformedMessageException((limit - position) + " unexpected bytes after the last value, at byte " + position);
        }
    }
}
