package io.rpcool.daemon;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Messages between the daemons of two hosts of a cluster, carried by the control plane
 * ({@link io.rpcool.control.ControlPlane#send}). Connection ids are those of the receiving daemon
 * except in {@code CONNECT_REQUEST}, which introduces the sender's id.
 *
 * <pre>
 *  CONNECT_REQUEST  client conn id, channel name, channel id, heap address, heap length, client pid
 *  CONNECT_ANSWER   client conn id, rejection ("" if accepted), server conn id, server pid, error code
 *  PEER_GONE        conn id (receiver's), pid of the end that went away, reason
 *  NEW_HEAP         conn id (receiver's), answer key, heap address, heap length
 *  HEAP_ANSWER      answer key, rejection ("" if mapped)
 * </pre>
 * Fields are big-endian; a string is a 4-byte length and UTF-8 bytes.
 */
final class PeerMessages
{
    static final int CONNECT_REQUEST = 1;
    static final int CONNECT_ANSWER = 2;
    static final int PEER_GONE = 3;
    static final int NEW_HEAP = 4;
    static final int HEAP_ANSWER = 5;

    private PeerMessages()
    {
    }

    static byte[] connectRequest(final long conn, final String channel, final long channelId, final long address, final long length,
        final int clientPid)
    {
        return new Writer(CONNECT_REQUEST).putLong(conn).putString(channel).putLong(channelId).putLong(address).putLong(length)
            .putInt(clientPid).bytes();
    }

    static byte[] connectAnswer(final long conn, final String rejection, final long serverConn, final int serverPid, final int code)
    {
        return new Writer(CONNECT_ANSWER).putLong(conn).putString(rejection).putLong(serverConn).putInt(serverPid).putInt(code).bytes();
    }

    static byte[] peerGone(final long conn, final int pid, final String reason)
    {
        return new Writer(PEER_GONE).putLong(conn).putInt(pid).putString(reason).bytes();
    }

    static byte[] newHeap(final long conn, final long answerKey, final long address, final long length)
    {
        return new Writer(NEW_HEAP).putLong(conn).putLong(answerKey).putLong(address).putLong(length).bytes();
    }

    static byte[] heapAnswer(final long answerKey, final String rejection)
    {
        return new Writer(HEAP_ANSWER).putLong(answerKey).putString(rejection).bytes();
    }

    private static final class Writer
    {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer(final int type)
        {
            putInt(type);
        }

        Writer putInt(final int v)
        {
            try
            {
                out.writeInt(v);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException(e);
            }
            return this;
        }

        Writer putLong(final long v)
        {
            try
            {
                out.writeLong(v);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException(e);
            }
            return this;
        }

        Writer putString(final String v)
        {
            final byte[] b = v.getBytes(StandardCharsets.UTF_8);
            putInt(b.length);
            bytes.write(b, 0, b.length);
            return this;
        }

        byte[] bytes()
        {
            return bytes.toByteArray();
        }
    }

    static final class Reader
    {
        private final ByteBuffer in;
        private final int type;

        Reader(final byte[] message)
        {
            this.in = ByteBuffer.wrap(message);
            this.type = in.getInt();
        }

        int type()
        {
            return type;
        }

        int getInt()
        {
            return in.getInt();
        }

        long getLong()
        {
            return in.getLong();
        }

        String getString()
        {
            final int n = in.getInt();
            if (n < 0 || n > in.remaining())
            {
                throw new Message.MalformedMessageException("bad string length " + n + " in a message from another host");
            }
            final byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
