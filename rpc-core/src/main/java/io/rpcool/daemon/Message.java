package io.rpcool.daemon;

import java.nio.charset.StandardCharsets;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.nativeio.SeqPacketSocket;

/**
 * One control message, written and read field by field in a direct buffer. Used only on the
 * control plane; never on a call's path.
 */
public final class Message
{
    public static final int TYPE_OFFSET = 0;
    public static final int REQUEST_ID_OFFSET = 4;
    public static final int HEADER_LENGTH = 12;

    private static final ThreadLocal<Message> OUTGOING = ThreadLocal.withInitial(Message::new);

    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SeqPacketSocket.MAX_MESSAGE, 64));
    private int limit;
    private int cursor;
    private int fd = -1;

    /**
     * @return this thread's message for composing an outgoing message; valid until the next call.
     */
    public static Message outgoing()
    {
        return OUTGOING.get();
    }

    public Message begin(final int type, final long requestId)
    {
        buffer.putInt(TYPE_OFFSET, type);
        buffer.putLong(REQUEST_ID_OFFSET, requestId);
        limit = HEADER_LENGTH;
        cursor = HEADER_LENGTH;
        fd = -1;
        return this;
    }

    public int type()
    {
        return buffer.getInt(TYPE_OFFSET);
    }

    public long requestId()
    {
        return buffer.getLong(REQUEST_ID_OFFSET);
    }

    /** The file descriptor received with, or to send with, this message; -1 if none. */
    public int fd()
    {
        return fd;
    }

    public Message fd(final int fd)
    {
        this.fd = fd;
        return this;
    }

    public Message putInt(final int value)
    {
        ensure(4);
        buffer.putInt(limit, value);
        limit += 4;
        return this;
    }

    public Message putLong(final long value)
    {
        ensure(8);
        buffer.putLong(limit, value);
        limit += 8;
        return this;
    }

    public Message putString(final String value)
    {
        final byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        ensure(4 + bytes.length);
        buffer.putInt(limit, bytes.length);
        buffer.putBytes(limit + 4, bytes);
        limit += 4 + bytes.length;
        return this;
    }

    public int getInt()
    {
        check(4);
        final int v = buffer.getInt(cursor);
        cursor += 4;
        return v;
    }

    public long getLong()
    {
        check(8);
        final long v = buffer.getLong(cursor);
        cursor += 8;
        return v;
    }

    public String getString()
    {
        final int length = getInt();
        if (length < 0 || length > limit - cursor)
        {
            throw new MalformedMessageException("string of " + length + " bytes in a message of " + limit);
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(cursor, bytes);
        cursor += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * @return a copy of the fields after the header, for reading on another thread.
     */
    byte[] payload()
    {
        final byte[] bytes = new byte[limit - HEADER_LENGTH];
        buffer.getBytes(HEADER_LENGTH, bytes);
        return bytes;
    }

    public void send(final SeqPacketSocket socket)
    {
        socket.send(buffer.addressOffset(), limit, fd);
    }

    /**
     * Send without blocking.
     *
     * @return false if the peer's receive queue is full.
     */
    public boolean sendNow(final SeqPacketSocket socket)
    {
        return socket.sendNow(buffer.addressOffset(), limit, fd);
    }

    /** Address of the message's buffer, for receiving into it directly. */
    public long bufferAddress()
    {
        return buffer.addressOffset();
    }

    public int capacity()
    {
        return buffer.capacity();
    }

    /**
     * A message of {@code length} bytes was received into the buffer, with {@code fd} attached (or -1).
     *
     * @throws MalformedMessageException if it is shorter than a header.
     */
    public void received(final int length, final int fd)
    {
        this.fd = fd;
        if (length < HEADER_LENGTH)
        {
            limit = HEADER_LENGTH;
            throw new MalformedMessageException("control message of " + length + " bytes is shorter than its header");
        }
        limit = length;
        cursor = HEADER_LENGTH;
    }

    /**
     * Block for the next message on {@code socket}.
     *
     * @return false when the peer closed the connection.
     */
    public boolean receive(final SeqPacketSocket socket)
    {
        final int[] fdOut = new int[1];
        final int n = socket.receive(buffer.addressOffset(), buffer.capacity(), fdOut);
        fd = fdOut[0];
        if (n < 0)
        {
            return false;
        }
        if (n < HEADER_LENGTH)
        {
            throw new MalformedMessageException("control message of " + n + " bytes is shorter than its header");
        }
        limit = n;
        cursor = HEADER_LENGTH;
        return true;
    }

    private void ensure(final int bytes)
    {
        if (limit + bytes > buffer.capacity())
        {
            throw new IllegalArgumentException("control message over " + buffer.capacity() + " bytes");
        }
    }

    private void check(final int bytes)
    {
        if (cursor + bytes > limit)
        {
            throw new MalformedMessageException("control message of type " + type() + " ends early");
        }
    }

    /**
     * A control message that does not follow the protocol.
     */
    public static final class MalformedMessageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public MalformedMessageException(final String message)
        {
            super(message);
        }
    }
}
