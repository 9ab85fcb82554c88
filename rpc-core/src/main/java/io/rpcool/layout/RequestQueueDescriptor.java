package io.rpcool.layout;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * Layout of a connection's request queue: many producers (client threads), many consumers (server
 * handler threads), fixed 64-byte entries. The queue's behaviour, both sides of it, is
 * {@code io.rpcool.ipc.RequestQueue}.
 *
 * <pre>
 *  queue offset
 *  +0     tail counter: the next position producers claim (CAS)      | two cache lines
 *  +128   head cache: a head a producer read, shared by producers     | two cache lines
 *  +256   head counter: the next position consumers claim             | two cache lines
 *  +384   sleepers: consumers asleep on the doorbell (server writes)  | two cache lines
 *  +512   doorbell: bumped to wake sleeping consumers (clients write) | two cache lines
 *  +640   entry 0 .. entry capacity-1, 64 bytes each
 * </pre>
 *
 * Each counter has two cache lines to itself, so a producer's CAS of the tail and a consumer's
 * store of the head never invalidate each other's line, nor the line an adjacent-line prefetcher
 * pulls in with it. Producers check for space against the head cache and read the head itself only
 * when the cache says the queue may be full (as Agrona's many-to-one ring buffer does).
 *
 * <p>A consumer that stopped spinning sleeps in {@code futex(2)} on the doorbell (a 32-bit word):
 * it reads the doorbell, adds one to sleepers (a full fence), looks at the queue once more, then
 * waits while the doorbell still holds what it read, always with a timeout, and takes one off
 * sleepers when it wakes. A producer publishes its entry, issues a full fence and reads sleepers;
 * only if a consumer sleeps does it bump the doorbell and call {@code FUTEX_WAKE}, so a call to a
 * spinning server costs its producer one read of a line that stays in its cache.
 *
 * <p>Entry:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            sequence (position + 1 once published)             |  0
 *  +---------------------------------------------------------------+
 *  |          call id = generation &lt;&lt; 16 | slot                 |  8
 *  +---------------------------------------------------------------+
 *  |          function id          |        request length         | 16
 *  +---------------------------------------------------------------+
 *  |             flags             |           seal kind           | 24
 *  +---------------------------------------------------------------+
 *  |                seal id (when FLAG_SEALED is set)              | 32
 *  +---------------------------------------------------------------+
 *  |        check (fields 8..47 and the inline bytes)  |  reserved | 40
 *  +---------------------------------------------------------------+
 *  |       inline request: the first 16 bytes (FLAG_INLINE)        | 48..63
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The call id names the slot (low 16 bits) and the slot's call generation (the rest), which
 * grows by one with every call of the slot. Flags: {@link #FLAG_SEALED} (the request buffer is
 * sealed; seal id and kind name the seal descriptor the server checks: kind
 * {@link #SEAL_KIND_MPROTECT} in the connection heap's sender seal descriptors, kind
 * {@link #SEAL_KIND_KERNEL} in the kernel module's descriptor ring of the heap),
 * {@link #FLAG_COPY} (the server copies the request into its private memory before the handler
 * reads it) and {@link #FLAG_INLINE} (a request of at most {@link #INLINE_MAX} bytes travels in the
 * entry itself: the server copies it from there into its private memory, so a small call moves
 * one cache line to the server instead of two; the request buffer is not read). Any other bit,
 * sealed together with copy or inline, copy together with inline, or an inline request longer
 * than {@link #INLINE_MAX} makes the entry malformed. An inline request is not a copy the client
 * asked for: it meets no seal requirement. The check word is a hash of the entry's fields
 * ({@code io.rpcool.ipc.CallCheck}): an entry whose check does not match was not written whole by
 * a producer and is refused as malformed. Reserved bytes are written as zero and ignored.
 *
 * <p>A producer claims a position by CAS on the tail, writes the entry, and publishes it with an
 * ordered store of {@code sequence = position + 1}. A consumer reads the entry at {@code head}
 * once its sequence is {@code head + 1}, copies and validates the fields, and only then claims it
 * (CAS {@code head -> head + 1}, or an ordered store when the channel has a single consumer). A
 * producer reuses the entry of position {@code p} only when {@code head > p - capacity}, so an
 * entry is never overwritten before a consumer has read it. A free entry of position {@code p}
 * holds the sequence {@code p + 1 - capacity} (the previous lap's publication). A position the
 * tail has passed that stays free for the hole grace (a moved tail, a producer that died between
 * claim and publish) is skipped by the consumer: it moves the head past it and leaves the entry
 * free for the next lap, {@code p + 1}, the value a late publication would write as well.
 */
public final class RequestQueueDescriptor
{
    /** Each counter of the queue has this many bytes (two cache lines) to itself. */
    public static final int COUNTER_SPACING = 2 * CACHE_LINE_LENGTH;
    public static final int TAIL_COUNTER_OFFSET;
    public static final int HEAD_CACHE_OFFSET;
    public static final int HEAD_COUNTER_OFFSET;
    /** Consumers asleep on the doorbell (a 32-bit count, written by the server's handler threads). */
    public static final int SLEEPERS_OFFSET;
    /** The 32-bit futex word consumers sleep on; producers bump it to wake them. */
    public static final int DOORBELL_OFFSET;
    public static final int ENTRIES_OFFSET;

    static
    {
        int offset = 0;
        TAIL_COUNTER_OFFSET = offset;
        offset += COUNTER_SPACING;
        HEAD_CACHE_OFFSET = offset;
        offset += COUNTER_SPACING;
        HEAD_COUNTER_OFFSET = offset;
        offset += COUNTER_SPACING;
        SLEEPERS_OFFSET = offset;
        offset += COUNTER_SPACING;
        DOORBELL_OFFSET = offset;
        offset += COUNTER_SPACING;
        ENTRIES_OFFSET = offset;
    }

    public static final int ENTRY_LENGTH = 64;

    public static final int SEQUENCE_OFFSET = 0;
    public static final int CALL_ID_OFFSET = 8;
    public static final int FUNCTION_OFFSET = 16;
    public static final int LENGTH_OFFSET = 20;
    public static final int FLAGS_OFFSET = 24;
    public static final int SEAL_KIND_OFFSET = 28;
    public static final int SEAL_ID_OFFSET = 32;
    public static final int CHECK_OFFSET = 40;
    /** Where an inline request's bytes are ({@link #FLAG_INLINE}). */
    public static final int INLINE_OFFSET = 48;
    /** The longest request that travels inline. */
    public static final int INLINE_MAX = 16;

    /** Bits of a call id that name the slot; the rest is the slot's call generation. */
    public static final int SLOT_BITS = 16;
    public static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

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

    /**
     * @return bytes the queue takes for {@code capacity} entries.
     */
    public static int length(final int capacity)
    {
        return ENTRIES_OFFSET + capacity * ENTRY_LENGTH;
    }

    /**
     * @return offset of the entry of {@code position} from the queue's start.
     */
    public static int entryOffset(final int capacity, final long position)
    {
        return ENTRIES_OFFSET + (int)(position & (capacity - 1)) * ENTRY_LENGTH;
    }

    /** The sequence a free entry of {@code position} holds: the previous lap's publication. */
    public static long freeSequence(final long position, final int capacity)
    {
        return position + 1 - capacity;
    }

    /**
     * @return the call id of generation {@code generation} on {@code slot}.
     */
    public static long callId(final long generation, final int slot)
    {
        return generation << SLOT_BITS | slot;
    }

    public static int slot(final long callId)
    {
        return (int)(callId & SLOT_MASK);
    }

    public static long generation(final long callId)
    {
        return callId >>> SLOT_BITS;
    }
}
