package io.rpcool.layout;

/**
 * One seal descriptor, 64 bytes. The same layout serves both seal kinds: the rpcool kernel
 * module writes descriptors into a ring it maps read-only for the sender ({@code struct
 * rpcool_desc} of {@code rpcool_uapi.h}, after a 64-byte ring header), and a sender sealing with
 * mprotect writes them into the connection heap, one per slot
 * ({@link ConnectionDescriptor#sealDescriptorsOffset}).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |             seal id = generation &lt;&lt; 32 | descriptor index   |  0
 *  +---------------------------------------------------------------+
 *  |                            heap id                            |  8
 *  +---------------------------------------------------------------+
 *  |          offset of the sealed range from the heap start       | 16
 *  +---------------------------------------------------------------+
 *  |               length of the sealed range (pages)              | 24
 *  +---------------------------------------------------------------+
 *  |          sender pid           |             state             | 32
 *  +---------------------------------------------------------------+
 *  |          generation           |           reserved            | 40
 *  +---------------------------------------------------------------+
 *  |               seal time (CLOCK_MONOTONIC, ns)                 | 48
 *  +---------------------------------------------------------------+
 *  |                           reserved                            | 56
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The sealer writes every field, then {@code state = SEALED} with a release store; a reader loads
 * the state with acquire semantics before the other fields. The receiver marks the seal complete
 * with a release store of {@code COMPLETE} into {@code state}; only then may the sender release it
 * ({@code RELEASED}). A seal id names its descriptor (low 32 bits) and the descriptor's generation
 * (high 32 bits), so a stale id never matches a reused descriptor.
 */
public final class SealDescriptor
{
    public static final int LENGTH = 64;

    public static final int SEAL_ID_OFFSET = 0;
    public static final int HEAP_ID_OFFSET = 8;
    public static final int RANGE_OFFSET_OFFSET = 16;
    public static final int RANGE_LENGTH_OFFSET = 24;
    public static final int SENDER_PID_OFFSET = 32;
    public static final int STATE_OFFSET = 36;
    public static final int GENERATION_OFFSET = 40;
    public static final int SEAL_TIME_OFFSET = 48;

    /** Never used. */
    public static final int STATE_FREE = 0;
    /** The range is read-only and the call is in flight. */
    public static final int STATE_SEALED = 1;
    /** The receiver is done with the range; the sender may release it. */
    public static final int STATE_COMPLETE = 2;
    /** The sender released the range; it is writable again. */
    public static final int STATE_RELEASED = 3;

    private SealDescriptor()
    {
    }

    /**
     * @return the descriptor index a seal id names.
     */
    public static int index(final long sealId)
    {
        return (int)sealId;
    }

    public static int generation(final long sealId)
    {
        return (int)(sealId >>> 32);
    }

    public static long sealId(final int generation, final int index)
    {
        return ((long)generation << 32) | (index & 0xFFFF_FFFFL);
    }

    public static String stateName(final int state)
    {
        switch (state)
        {
            case STATE_FREE: return "FREE";
            case STATE_SEALED: return "SEALED";
            case STATE_COMPLETE: return "COMPLETE";
            case STATE_RELEASED: return "RELEASED";
            default: return "state " + state;
        }
    }
}
