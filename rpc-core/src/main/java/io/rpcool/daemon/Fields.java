package io.rpcool.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The fields of a received control message, copied out of the receive buffer and read in order.
 */
final class Fields
{
    private final ByteBuffer bytes;

    private Fields(final byte[] payload)
    {
        this.bytes = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    static Fields copyOf(final Message message)
    {
        return new Fields(message.payload());
    }

    int getInt()
    {
        check(4);
        return bytes.getInt();
    }

    long getLong()
    {
        check(8);
        return bytes.getLong();
    }

    String getString()
    {
        final int length = getInt();
        if (length < 0 || length > bytes.remaining())
        {
            throw new Message.MalformedMessageException("string of " + length + " bytes with " + bytes.remaining() + " left");
        }
        final byte[] b = new byte[length];
        bytes.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void check(final int n)
    {
        if (bytes.remaining() < n)
        {
            throw new Message.MalformedMessageException("control message ends early");
        }
    }
}
