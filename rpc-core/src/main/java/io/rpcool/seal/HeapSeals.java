package io.rpcool.seal;

/**
 * Seal operations on one heap mapped by this process, as sender (client end) or receiver
 * (server end). Offsets are from the heap's first byte; ranges are whole pages.
 *
 * <p>Sender: {@link #seal} makes a range read-only and returns its seal id, {@link #state} reads its
 * descriptor, {@link #release} makes it writable again once the receiver marked it complete.
 * Receiver: {@link #verify} checks a seal id against its descriptor, {@link #complete} marks it done.
 */
public interface HeapSeals extends AutoCloseable
{
    /** {@link io.rpcool.layout.RequestQueueDescriptor#SEAL_KIND_MPROTECT} or {@code SEAL_KIND_KERNEL}. */
    int kind();

    /** The heap id written into this heap's seal descriptors. */
    long heapId();

    /**
     * Seal {@code [offset, offset + length)}.
     *
     * @return the seal id.
     * @throws SealException if the range cannot be sealed.
     */
    long seal(long offset, long length);

    /**
     * @return the descriptor state of the seal ({@link io.rpcool.layout.SealDescriptor#STATE_SEALED}, ...),
     * or -1 if the id names no descriptor of this heap or a descriptor since reused.
     */
    int state(long sealId);

    /**
     * Release one seal.
     *
     * @throws SealException with {@link SealException.Reason#NOT_COMPLETE} if the receiver has not
     * marked it complete, {@link SealException.Reason#UNKNOWN_SEAL} if no such seal is held.
     */
    void release(long sealId);

    /**
     * Release the first {@code count} seals of {@code sealIds} with one permission change, all or
     * nothing: if any cannot be released, none is.
     *
     * @throws SealException naming the first seal that could not be released.
     */
    void release(long[] sealIds, int count);

    /**
     * Receiver: check that {@code sealId} names a seal of this heap, in state SEALED, made by
     * {@code senderPid}, starting at {@code offset} and covering between {@code minLength} and
     * {@code maxLength} bytes.
     *
     * @return {@link SealRing#VALID} or the reason it does not verify ({@link SealRing#describe}).
     */
    int verify(long sealId, long offset, long minLength, long maxLength, int senderPid);

    /** Receiver: mark a verified seal complete; the sender may release it from now on. */
    void complete(long sealId);

    /** Stop using the heap through this object (the memory mapping itself is not touched). */
    @Override
    void close();
}
