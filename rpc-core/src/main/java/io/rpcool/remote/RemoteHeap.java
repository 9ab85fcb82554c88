package io.rpcool.remote;

/**
 * One side of a heap that two processes in different memory domains both map at the same address,
 * kept coherent by a {@link RemoteHeapProvider} (the page-ownership DSM of {@code rdma-fallback}):
 * plain memory to the application, whose pages move to the side that touches them.
 */
public interface RemoteHeap extends AutoCloseable
{
    /** Where the heap is mapped, the same on both sides. */
    long address();

    /** Its size in bytes. */
    long size();

    /**
     * True once the peer is gone (died, closed its side or broke the protocol): pages it owned are
     * lost, and accesses to them fail. One volatile load: callers check it before every operation.
     */
    boolean isLost();

    /** Why the heap was lost, or an empty string while it works. */
    String lostReason();

    /**
     * Once lost, deliver a memory fault still pending from an access just made (HotSpot raises an
     * {@link InternalError} for it at the next call into the runtime), so the caller's {@code try} sees it.
     */
    void settle();

    /** Tell the peer, unmap the heap and release its memory; no thread may touch it afterwards. */
    @Override
    void close();
}
