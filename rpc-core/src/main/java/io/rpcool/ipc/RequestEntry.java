package io.rpcool.ipc;

import io.rpcool.layout.RequestQueueDescriptor;

/**
 * What a consumer read from one request queue entry, copied into its private memory before it
 * claimed the entry: a producer may reuse the entry as soon as the head moves. One per consumer
 * thread; it also holds that consumer's view of a corrupt sequence word or a hole it is waiting out.
 */
public final class RequestEntry
{
    long position;
    long callId;
    int functionId;
    int length;
    int flags;
    int sealKind;
    long sealId;
    long inline0;
    long inline1;
    int check;
    int malformedReason;
    /** Position of a corrupt sequence this consumer is waiting on, or -1. */
    long corruptPosition = -1;
    long corruptSinceNs;
    /** Position of a claimed, unpublished entry this consumer is waiting on, or -1. */
    long holePosition = -1;
    long holeSinceNs;
    /** Empty polls so far: every {@link RequestQueue#HOLE_CHECK_INTERVAL}-th looks for a hole. */
    int emptyPolls;

    /** Queue position the entry was published at. */
    public long position()
    {
        return position;
    }

    public long callId()
    {
        return callId;
    }

    public int slot()
    {
        return RequestQueueDescriptor.slot(callId);
    }

    public int functionId()
    {
        return functionId;
    }

    public int length()
    {
        return length;
    }

    public int flags()
    {
        return flags;
    }

    public boolean isSealed()
    {
        return (flags & RequestQueueDescriptor.FLAG_SEALED) != 0;
    }

    public boolean isCopy()
    {
        return (flags & RequestQueueDescriptor.FLAG_COPY) != 0;
    }

    public boolean isInline()
    {
        return (flags & RequestQueueDescriptor.FLAG_INLINE) != 0;
    }

    public int sealKind()
    {
        return sealKind;
    }

    public long sealId()
    {
        return sealId;
    }

    /** First 8 bytes of an inline request. */
    public long inline0()
    {
        return inline0;
    }

    /** Bytes 8..15 of an inline request. */
    public long inline1()
    {
        return inline1;
    }

    /** Why the last entry was refused ({@link RequestQueue#MALFORMED}), one of {@code RequestQueue.BAD_*}. */
    public int malformedReason()
    {
        return malformedReason;
    }

    /**
     * True if the entry, though malformed, names a slot whose client deserves an error reply: its
     * check matched, so the call id is the one the client sent.
     */
    public boolean isAnswerable()
    {
        return malformedReason != RequestQueue.BAD_CHECK && malformedReason != RequestQueue.BAD_SLOT &&
            malformedReason != RequestQueue.STALE_GENERATION;
    }
}
