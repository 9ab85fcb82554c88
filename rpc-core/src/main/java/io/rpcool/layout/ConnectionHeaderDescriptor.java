package io.rpcool.layout;

import org.agrona.concurrent.AtomicBuffer;

/**
 * The header at offset 0 of a connection heap ({@link ConnectionDescriptor}). A process that
 * attaches to a connection heap checks magic, layout version, kind and that the heap believes it
 * is mapped where it is, before reading anything else. (Data heaps have a header of their own,
 * {@code io.rpcool.mem.DataHeapDescriptor}, with another magic.)
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         magic "RPCOOLHP"                      |  0
 *  +---------------------------------------------------------------+
 *  |        layout version         |           heap kind           |  8
 *  +---------------------------------------------------------------+
 *  |                            heap id                            | 16
 *  +---------------------------------------------------------------+
 *  |                      base address (mapped)                    | 24
 *  +---------------------------------------------------------------+
 *  |                          heap length                          | 32
 *  +---------------------------------------------------------------+
 *  |          slot count           |          buffer size          | 40
 *  +---------------------------------------------------------------+
 *  |        queue capacity         |     flags (bit 0: sealable)   | 48
 *  +---------------------------------------------------------------+
 *  |                         connection id                         | 56
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ConnectionHeaderDescriptor
{
    /** "RPCOOLHP" in little-endian byte order. */
    public static final long MAGIC = 0x50484C4F4F435052L;
    /**
     * Bump when any layout in this package changes incompatibly. Version 2: request and reply
     * buffers in two contiguous regions, one sender seal descriptor per slot, the seal fields of
     * request queue entries. Version 3: inline requests and replies. Version 4: queue counters two
     * cache lines apart with a shared head cache, call ids that name slot and generation, check
     * words in entries and response lines, started lines. Version 5: the request queue's sleepers
     * and doorbell words and the clients' waiter lines, for futex wake-ups.
     */
    public static final int LAYOUT_VERSION = 5;

    public static final int KIND_CONNECTION = 1;

    /** Request buffers are whole pages, page aligned: calls on this connection can be sealed. */
    public static final int FLAG_SEALABLE = 1;
    public static final int KNOWN_FLAGS = FLAG_SEALABLE;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int KIND_OFFSET = 12;
    public static final int HEAP_ID_OFFSET = 16;
    public static final int BASE_ADDRESS_OFFSET = 24;
    public static final int LENGTH_OFFSET = 32;
    public static final int SLOT_COUNT_OFFSET = 40;
    public static final int BUFFER_SIZE_OFFSET = 44;
    public static final int QUEUE_CAPACITY_OFFSET = 48;
    public static final int FLAGS_OFFSET = 52;
    public static final int CONNECTION_ID_OFFSET = 56;
    public static final int HEADER_LENGTH = 64;

    private ConnectionHeaderDescriptor()
    {
    }

    /**
     * Check that {@code heap} holds a header this code can read.
     *
     * @throws IncompatibleLayoutException naming what differs.
     */
    public static void checkHeader(final AtomicBuffer heap, final int expectedKind, final long expectedAddress)
    {
        final long magic = heap.getLongVolatile(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new IncompatibleLayoutException(String.format(
                "heap at 0x%x is not an RPCool heap (magic 0x%x, expected 0x%x)", expectedAddress, magic, MAGIC));
        }
        final int version = heap.getInt(VERSION_OFFSET);
        if (version != LAYOUT_VERSION)
        {
            throw new IncompatibleLayoutException(String.format(
                "heap at 0x%x has layout version %d, this process understands version %d",
                expectedAddress, version, LAYOUT_VERSION));
        }
        final int kind = heap.getInt(KIND_OFFSET);
        if (kind != expectedKind)
        {
            throw new IncompatibleLayoutException(String.format(
                "heap at 0x%x is of kind %d, expected kind %d", expectedAddress, kind, expectedKind));
        }
        final long base = heap.getLong(BASE_ADDRESS_OFFSET);
        if (base != expectedAddress)
        {
            throw new IncompatibleLayoutException(String.format(
                "heap says it is mapped at 0x%x but it is mapped at 0x%x", base, expectedAddress));
        }
    }
}
