package io.rpcool.ipc;

/**
 * The check words of request entries and response lines: a 32-bit hash of the fields a writer
 * published, so a reader can tell an entry or a reply written whole by its producer from one that
 * was not (a torn write, a stray store, garbage, a line left from another call).
 *
 * <p>Each word is rotated by an amount of its own and the rotations are combined with xor (all
 * side by side, not one after another), then one multiplication by an odd constant mixes the bits
 * and the result is folded to 32 bits: a few cycles on the call's path. A field changed, two fields
 * swapped or a line left from another call give another word with near certainty; a replayed entry
 * is caught by its call generation instead.
 *
 * <p>It detects corruption, not forgery: a process that can write the connection heap can also
 * compute a check. What stops other users' processes is that they cannot map the heap at all (the
 * daemon's checks and the memory's file modes).
 */
public final class CallCheck
{
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
    /** Inline reply words may be up to this many (40 bytes). */
    public static final int MAX_INLINE_WORDS = 5;

    private CallCheck()
    {
    }

    /** Fold word {@code index} (0..{@link #MAX_INLINE_WORDS}-1) of an inline reply into a reply's check. */
    public static long step(final long check, final int index, final long word)
    {
        return check ^ Long.rotateLeft(word, 29 + 7 * index);
    }

    /** The 32-bit check word of a combined check. */
    public static int finish(final long check)
    {
        final long h = check * MULTIPLIER;
        return (int)(h ^ (h >>> 32));
    }

    /**
     * @return the check word of a request entry's fields.
     */
    public static int entry(
        final long callId,
        final int functionId,
        final int length,
        final int flags,
        final int sealKind,
        final long sealId,
        final long inline0,
        final long inline1)
    {
        return finish(callId ^ Long.rotateLeft((long)functionId << 32 | (length & 0xFFFF_FFFFL), 11) ^
            Long.rotateLeft((long)flags << 32 | (sealKind & 0xFFFF_FFFFL), 23) ^ Long.rotateLeft(sealId, 37) ^
            Long.rotateLeft(inline0, 47) ^ Long.rotateLeft(inline1, 59));
    }

    /**
     * @return the check chain of a reply's header fields, to which an inline reply's words are added.
     */
    public static long replyHeader(final long callId, final int status, final int length, final int flags)
    {
        return callId ^ Long.rotateLeft((long)status << 32 | (length & 0xFFFF_FFFFL), 11) ^ Long.rotateLeft(flags + 1L, 23);
    }
}
