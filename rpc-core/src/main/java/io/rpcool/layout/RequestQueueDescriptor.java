package io.rpcool.layout;

import org.agrona.concurrent.AtomicBuffer;

/**
 * The request queue of a connection: many producers (client threads), many consumers (server
 * handler threads), fixed 64-byte entries.
 *
 * <pre>
 *  queue offset
 *  +0     tail line: tail counter (8), producers CAS it      | 64 bytes
 *  +64    head line: head counter (8), consumers CAS it      | 64 bytes
 *  +128   entry 0 .. entry capacity-1, 64 bytes each
 *
 *  entry:
 *  +---------------------------------------------------------------+
 *  |            sequence (position + 1 once published)             |  0
 *  +---------------------------------------------------------------+
 *  |                  call id (per-slot generation)                |  8
 *  +---------------------------------------------------------------+
 *  |             slot              |          function id          | 16
 *  +---------------------------------------------------------------+
 *  |        request length         |             flags             | 24
 *  +---------------------------------------------------------------+
 *  |                 seal id (when FLAG_SEALED is set)             | 32
 *  +---------------------------------------------------------------+
 *  |          seal kind            |           reserved            | 40
 *  +---------------------------------------------------------------+
 *  |       inline request: the first 16 bytes (FLAG_INLINE)        | 48..63
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Flags: {@link #FLAG_SEALED} (the request buffer is sealed; seal id and kind name the seal
 * descriptor the server checks: kind {@link #SEAL_KIND_MPROTECT} in the connection heap's sender
 * seal descriptors, kind {@link #SEAL_KIND_KERNEL} in the kernel module's descriptor ring of the
 * heap) and {@link #FLAG_COPY} (the server copies the request into its private memory before the
 * handler reads it) and {@link #FLAG_INLINE} (a request of at most {@link #INLINE_MAX} bytes
 * travels in the entry itself: the server copies it from there into its private memory, so a
 * small call moves one cache line to the server instead of two; the request buffer is not read).
 * Any other bit, or sealed together with copy or inline, makes the entry malformed, and so does
 * an inline request longer than {@link #INLINE_MAX}. An inline request is not a copy the client
 * asked for: it meets no seal requirement. Reserved bytes are written as zero and ignored.
 *
 * A producer claims a position by CAS on the tail, writes the entry, and publishes it with an
 * ordered store of {@code sequence = position + 1}. A consumer reads the entry at {@code head}
 * once its sequence is {@code head + 1}, copies and validates the fields, and only then claims it
 * by CAS {@code head -> head + 1}. A producer reuses the entry of position {@code p} only when
 * {@code head > p - capacity}, so an entry is never overwritten before a consumer has read it.
 */
public final class RequestQueueDescriptor
{
    public static final int TAIL_OFFSET = 0;
    public static final int HEAD_OFFSET = 64;
    public static final int ENTRIES_OFFSET = 128;
    public static final int ENTRY_LENGTH = 64;

    public static final int SEQUENCE_OFFSET = 0;
    public static final int CALL_ID_OFFSET = 8;
    public static final int SLOT_OFFSET = 16;
    public static final int FUNCTION_OFFSET = 20;
    public static final int LENGTH_OFFSET = 24;
    public static final int FLAGS_OFFSET = 28;
    public static final int SEAL_ID_OFFSET = 32;
    public static final int SEAL_KIND_OFFSET = 40;
    /** Where an inline request's bytes are ({@link #FLAG_INLINE}). */
    public static final int INLINE_OFFSET = 48;
    /** The longest request that travels inline. */
    public static final int INLINE_MAX = 16;

    /** The request buffer is sealed; {@link #SEAL_ID_OFFSET} and {@link #SEAL_KIND_OFFSET} name the seal. */
    public static final int FLAG_SEALED = 1;
    /** The server copies the request into private memory before the handler runs. */
    public static final int FLAG_COPY = 2;
    /** The request's bytes are in the entry at {@link #INLINE_OFFSET}, not read from the request buffer. */
    public static final int FLAG_INLINE = 4;
    public static final int KNOWN_FLAGS = FLAG_SEALED | FLAG_COPY | FLAG_INLINE;

    /** Seal made by the sender with mprotect; descriptor in the connection heap. */
    public static final int SEAL_KIND_MPROTECT = 1;
    /** Seal made by the rpcool kernel module; descriptor in the module's ring for the heap. */
    public static final int SEAL_KIND_KERNEL = 2;

    private RequestQueueDescriptor()
    {
    }

    public static int length(final int capacity)
    {
        return ENTRIES_OFFSET + capacity * ENTRY_LENGTH;
    }

    public static int entryOffset(final int queueOffset, final int capacity, final long position)
    {
        return queueOffset + ENTRIES_OFFSET + (int)(position & (capacity - 1)) * ENTRY_LENGTH;
    }

    static void initialise(final AtomicBuffer heap, final int queueOffset, final int capacity)
    {
        heap.putLong(queueOffset + TAIL_OFFSET, 0);
        heap.putLong(queueOffset + HEAD_OFFSET, 0);
        for (int i = 0; i < capacity; i++)
        {
            // Sequence of "position i - capacity, published": marks every entry free for the first lap.
            heap.putLong(queueOffset + ENTRIES_OFFSET + i * ENTRY_LENGTH + SEQUENCE_OFFSET, i - capacity + 1);
        }
    }
}
