package io.rpcool.seal;

import static io.rpcool.layout.SealDescriptor.*;

import org.agrona.concurrent.AtomicBuffer;

/**
 * An array of {@link io.rpcool.layout.SealDescriptor}s in shared memory — the kernel module's
 * descriptor ring of a heap, or the sender seal descriptors of a connection heap — and the checks
 * a receiver makes on them. Both seal kinds are verified by this one piece of code; they differ
 * only in who may write the descriptors.
 */
public final class SealRing
{
    /** The seal checks out. */
    public static final int VALID = 0;
    /** The id's index is outside the ring. */
    public static final int NO_SUCH_DESCRIPTOR = 1;
    /** The descriptor holds another seal id (a stale or invented id). */
    public static final int STALE_ID = 2;
    /** The descriptor is not in state SEALED. */
    public static final int NOT_SEALED = 3;
    /** The descriptor names another heap. */
    public static final int WRONG_HEAP = 4;
    /** The sealed range is not the request buffer, or does not cover the request. */
    public static final int WRONG_RANGE = 5;
    /** Another process made the seal. */
    public static final int WRONG_SENDER = 6;
    /** This heap cannot check seals of that kind. */
    public static final int UNSUPPORTED_KIND = 7;

    private final AtomicBuffer buffer;
    private final int descriptorsOffset;
    private final int count;
    private final long heapId;

    /**
     * @param buffer            memory holding the descriptors.
     * @param descriptorsOffset offset of descriptor 0 in {@code buffer}.
     * @param count             number of descriptors.
     * @param heapId            the heap id descriptors of this ring must carry.
     */
    public SealRing(final AtomicBuffer buffer, final int descriptorsOffset, final int count, final long heapId)
    {
        this.buffer = buffer;
        this.descriptorsOffset = descriptorsOffset;
        this.count = count;
        this.heapId = heapId;
    }

    public int count()
    {
        return count;
    }

    public long heapId()
    {
        return heapId;
    }

    public AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the descriptor {@code sealId} names, or -1 if its index is outside the ring.
     */
    public int descriptorOffset(final long sealId)
    {
        final int index = index(sealId);
        return index < 0 || index >= count ? -1 : descriptorsOffset + index * LENGTH;
    }

    /**
     * @return the state of the descriptor if it still holds {@code sealId}, else -1.
     */
    public int state(final long sealId)
    {
        final int d = descriptorOffset(sealId);
        if (d < 0)
        {
            return -1;
        }
        final int state = buffer.getIntVolatile(d + STATE_OFFSET);
        return buffer.getLongVolatile(d + SEAL_ID_OFFSET) == sealId ? state : -1;
    }

    /**
     * Check a seal as a receiver: see {@link HeapSeals#verify}.
     */
    public int verify(final long sealId, final long offset, final long minLength, final long maxLength, final int senderPid)
    {
        final int d = descriptorOffset(sealId);
        if (d < 0)
        {
            return NO_SUCH_DESCRIPTOR;
        }
        // State first (acquire), then the fields the sealer wrote before it.
        final int state = buffer.getIntVolatile(d + STATE_OFFSET);
        if (buffer.getLongVolatile(d + SEAL_ID_OFFSET) != sealId)
        {
            return STALE_ID;
        }
        if (state != STATE_SEALED)
        {
            return NOT_SEALED;
        }
        if (buffer.getLong(d + HEAP_ID_OFFSET) != heapId)
        {
            return WRONG_HEAP;
        }
        final long rangeLength = buffer.getLong(d + RANGE_LENGTH_OFFSET);
        if (buffer.getLong(d + RANGE_OFFSET_OFFSET) != offset || rangeLength < minLength || rangeLength > maxLength ||
            rangeLength <= 0)
        {
            return WRONG_RANGE;
        }
        if (buffer.getInt(d + SENDER_PID_OFFSET) != senderPid)
        {
            return WRONG_SENDER;
        }
        return VALID;
    }

    /**
     * Mark a sealed descriptor complete (a release store: everything the receiver did before is
     * visible to whoever sees COMPLETE).
     *
     * @return false if the descriptor no longer holds {@code sealId} in state SEALED.
     */
    public boolean complete(final long sealId)
    {
        final int d = descriptorOffset(sealId);
        if (d < 0 || buffer.getLongVolatile(d + SEAL_ID_OFFSET) != sealId)
        {
            return false;
        }
        return buffer.compareAndSetInt(d + STATE_OFFSET, STATE_SEALED, STATE_COMPLETE);
    }

    public static String describe(final int code)
    {
        switch (code)
        {
            case VALID: return "valid";
            case NO_SUCH_DESCRIPTOR: return "no seal descriptor has that index";
            case STALE_ID: return "the descriptor holds another seal (stale or invented id)";
            case NOT_SEALED: return "the seal is not in state SEALED";
            case WRONG_HEAP: return "the seal belongs to another heap";
            case WRONG_RANGE: return "the sealed range is not this call's request buffer";
            case WRONG_SENDER: return "the seal was made by another process than the connection's client";
            case UNSUPPORTED_KIND: return "this connection cannot check seals of that kind";
            default: return "verification code " + code;
        }
    }
}
