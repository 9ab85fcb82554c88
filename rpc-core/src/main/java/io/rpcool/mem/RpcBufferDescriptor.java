package io.rpcool.mem;

/**
 * Layout of an {@link RpcBuffer}: a contiguous block of a heap with a bump allocator of its own, in
 * which a caller builds the arguments of one RPC.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Magic 'RPCB'                         |  0
 *  +---------------------------------------------------------------+
 *  |                            Version                            |  4
 *  +---------------------------------------------------------------+
 *  |                Length of the whole buffer, header included    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |       Cursor: offset of the next free byte from the start     | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Generation, incremented by every reset           | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      reserved to cache line                  ...
 *  +---------------------------------------------------------------+
 *  |                   Objects, 8-byte aligned                    ... 64
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class RpcBufferDescriptor
{
    public static final int MAGIC = 0x42435052;
    public static final int VERSION = 1;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int LENGTH_OFFSET = 8;
    public static final int CURSOR_OFFSET = 16;
    public static final int GENERATION_OFFSET = 24;

    /**
     * Bytes reserved for the header; the first object starts here.
     */
    public static final int HEADER_LENGTH = 64;

    /**
     * Alignment of every object in the buffer.
     */
    public static final int ALIGNMENT = 8;

    private RpcBufferDescriptor()
    {
    }
}
