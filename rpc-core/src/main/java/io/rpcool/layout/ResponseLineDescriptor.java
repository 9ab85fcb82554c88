package io.rpcool.layout;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * Layout of a connection's replies: one response line per slot, which the server writes and the
 * waiting client spins on, then one started line per slot, which the server writes when it starts
 * a call and the client reads only to take back a slot whose call timed out, then one waiter line
 * per slot, which the client writes when its waiting thread goes to sleep and the server reads after
 * each reply. The behaviour, both sides of it, is {@code io.rpcool.ipc.ResponseLines}.
 *
 * <pre>
 *  region offset
 *  +0                      response line of slot 0 .. slotCount-1, 64 bytes each
 *  +slotCount * 64         started line of slot 0 .. slotCount-1, 64 bytes each
 *  +2 * slotCount * 64     waiter line of slot 0 .. slotCount-1, 64 bytes each
 *
 *  response line:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        call id of the reply (written last, release store)     |  0
 *  +---------------------------------------------------------------+
 *  |            status             |          reply length         |  8
 *  +---------------------------------------------------------------+
 *  |   reply flags (bit 0: INLINE) |   check (call id .. inline)   | 16
 *  +---------------------------------------------------------------+
 *  |         inline reply: up to 40 bytes (flag INLINE)            | 24..63
 *  +---------------------------------------------------------------+
 *
 *  started line:
 *  +---------------------------------------------------------------+
 *  |     call id of the newest call the server started on the slot  |  0
 *  +---------------------------------------------------------------+
 *  |                          reserved                             |  8..63
 *  +---------------------------------------------------------------+
 *
 *  waiter line:
 *  +-------------------------------+-------------------------------+
 *  |  sleeping (1 while the client |           reserved            |  0
 *  |  sleeps on the futex)         |                               |
 *  +-------------------------------+-------------------------------+
 *  |                          reserved                             |  8..63
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The server writes the reply into the slot's reply buffer, then status, length, flags and the
 * check, then the call id with an ordered store. A successful reply of at most
 * {@link #INLINE_MAX} bytes is also copied into the line (flag {@link #FLAG_INLINE}) and the client
 * copies it from there into its private memory, so a small call moves one cache line back to the
 * client and the reply buffer stays in the server's cache. The check is a hash of the call id,
 * status, length, flags and, for an inline reply, its bytes ({@code io.rpcool.ipc.CallCheck}): the
 * client accepts a reply only if the call id is the one it waits for and the check matches. Status
 * {@code 0} is success; any other status carries a UTF-8 message in the reply buffer.
 *
 * <p>A client thread that stopped spinning sleeps in {@code futex(2)} on the low 32 bits of the
 * call id word of its response line (offset 0, little-endian): it stores {@code sleeping = 1}
 * (a volatile store, a full fence), looks at the line once more, then waits on the word's value
 * it saw before, always with a timeout. The server publishes the call id, issues a full fence, and
 * calls {@code FUTEX_WAKE} on the word only if {@code sleeping} is set; a client that did not sleep
 * costs the server one read of a line it does not own, which stays in its cache while nobody
 * sleeps.
 *
 * <p>Each slot's lines have a cache line to themselves: one writer per line (the handler thread
 * serving the slot's call for response and started lines, the slot's calling thread for its waiter
 * line).
 */
public final class ResponseLineDescriptor
{
    public static final int LINE_LENGTH = CACHE_LINE_LENGTH;

    public static final int CALL_ID_OFFSET = 0;
    public static final int STATUS_OFFSET = 8;
    public static final int LENGTH_OFFSET = 12;
    public static final int FLAGS_OFFSET = 16;
    public static final int CHECK_OFFSET = 20;
    public static final int INLINE_OFFSET = 24;
    /** The longest reply that travels in the response line. */
    public static final int INLINE_MAX = 40;
    /** The reply's bytes are in the response line at {@link #INLINE_OFFSET}. */
    public static final int FLAG_INLINE = 1;
    public static final int KNOWN_FLAGS = FLAG_INLINE;

    /** Offset of the started call id in a started line. */
    public static final int STARTED_CALL_ID_OFFSET = 0;

    /** Offset of the sleeping word in a waiter line. */
    public static final int SLEEPING_OFFSET = 0;

    private ResponseLineDescriptor()
    {
    }

    /**
     * @return bytes the response, started and waiter lines of {@code slotCount} slots take.
     */
    public static int length(final int slotCount)
    {
        return 3 * slotCount * LINE_LENGTH;
    }

    /**
     * @return offset of {@code slot}'s response line from the region's start.
     */
    public static int lineOffset(final int slot)
    {
        return slot * LINE_LENGTH;
    }

    /**
     * @return offset of {@code slot}'s started line from the region's start.
     */
    public static int startedOffset(final int slotCount, final int slot)
    {
        return (slotCount + slot) * LINE_LENGTH;
    }

    /**
     * @return offset of {@code slot}'s waiter line from the region's start.
     */
    public static int waiterOffset(final int slotCount, final int slot)
    {
        return (2 * slotCount + slot) * LINE_LENGTH;
    }
}
