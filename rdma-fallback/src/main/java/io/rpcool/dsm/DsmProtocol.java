package io.rpcool.dsm;

import java.nio.ByteBuffer;

/**
 * The page-ownership protocol between the two sides of a DSM heap, as the native pager speaks it
 * over TCP (rdma-fallback/DESIGN.md has the rules). Every message is a 24-byte header, little-endian,
 * followed by {@code length} bytes of payload:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       magic "DSM1"                            |  0
 *  +---------------+---------------+---------------+---------------+
 *  |    version    |     type      |    access     |   reserved    |  4
 *  +---------------+---------------+---------------+---------------+
 *  |                         page index                            |  8
 *  +---------------------------------------------------------------+
 *  |                     payload length                            | 12
 *  +---------------------------------------------------------------+
 *  |                  sequence (per sender, from 1)                | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  payload: HELLO 24 bytes, PAGE 4096 bytes, others none        | 24
 *  +---------------------------------------------------------------+
 *
 *   HELLO payload:  address (8) | size (8) | page size (4) | role (4: 0 server, 1 client)
 * </pre>
 * HELLO carries sequence 0 and is the first message each way; after it each side numbers its
 * messages 1, 2, 3, ...
 */
public final class DsmProtocol
{
    public static final int MAGIC = 0x314d_5344;
    public static final int VERSION = 1;

    public static final int HELLO = 1;
    public static final int REQUEST_PAGE = 2;
    public static final int PAGE = 3;
    public static final int GOODBYE = 4;

    public static final int ACCESS_READ = 1;
    public static final int ACCESS_WRITE = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int ACCESS_OFFSET = 6;
    public static final int PAGE_INDEX_OFFSET = 8;
    public static final int LENGTH_OFFSET = 12;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int HEADER_BYTES = 24;

    public static final int HELLO_ADDRESS_OFFSET = 0;
    public static final int HELLO_SIZE_OFFSET = 8;
    public static final int HELLO_PAGE_SIZE_OFFSET = 16;
    public static final int HELLO_ROLE_OFFSET = 20;
    public static final int HELLO_BYTES = 24;

    public static final int PAGE_BYTES = 4096;

    private DsmProtocol()
    {
    }

    /**
     * Write a header at the start of a little-endian buffer (for tools and tests; the pager writes its own).
     *
     * @return the buffer.
     */
    public static ByteBuffer header(final ByteBuffer buffer, final int magic, final int version, final int type,
        final int access, final int page, final int length, final long sequence)
    {
        buffer.putInt(MAGIC_OFFSET, magic);
        buffer.put(VERSION_OFFSET, (byte)version);
        buffer.put(TYPE_OFFSET, (byte)type);
        buffer.put(ACCESS_OFFSET, (byte)access);
        buffer.put(ACCESS_OFFSET + 1, (byte)0);
        buffer.putInt(PAGE_INDEX_OFFSET, page);
        buffer.putInt(LENGTH_OFFSET, length);
        buffer.putLong(SEQUENCE_OFFSET, sequence);
        return buffer;
    }
}
