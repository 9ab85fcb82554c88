package io.rpcool.ipc;

/**
 * The check words of request entries and response lines: a 32-bit hash of the fields a writer
 * published, so a reader can tell an entry or a reply written whole by its producer from one that
 * was not (a torn write, a stray store, garbage, a line left from another call).
 *
 * <p>It is a multiply-xor chain (the 64-bit golden-ratio constant, folded to 32 bits), a few
 * nanoseconds for a whole entry. It detects corruption, not forgery: a process that can write the
 * connection heap can also compute a check. What stops other users' processes is that they cannot
 * map the heap at all (the daemon's checks and the memory's file modes).
 */
public final class CallCheck
{
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final long SEED = 0x52504F4F4C43484BL;

    private CallCheck()
    {
    }

    /** Start a check with its first word. */
    public static long begin(final long first)
    {
        return (SEED ^ first) * MULTIPLIER;
    }

    /** Fold one more word into a check. */
    public static long step(final long check, final long word)
    {
        return (check ^ (check >>> 31) ^ word) * MULTIPLIER;
    }

    /** The 32-bit check word of a chain. */
    public static int finish(final long check)
    {
        final long h = check ^ (check >>> 29);
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
        long h = begin(callId);
        h = step(h, (long)functionId << 32 | (length & 0xFFFF_FFFFL));
        h = step(h, (long)flags << 32 | (sealKind & 0xFFFF_FFFFL));
        h = step(h, sealId);
        h = step(h, inline0);
        h = step(h, inline1);
        return finish(h);
    }

    /**
     * @return the check chain of a reply's header fields, to which an inline reply's words are added.
     */
    public static long replyHeader(final long callId, final int status, final int length, final int flags)
    {
        long h = begin(callId);
        h = step(h, (long)status << 32 | (length & 0xFFFF_FFFFL));
        return step(h, flags);
    }
}
