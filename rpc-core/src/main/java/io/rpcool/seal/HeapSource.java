package io.rpcool.seal;

/**
 * Heap memory owned by a seal backend, created by the daemon. Heaps are named by the id the
 * source gives them; processes map them with one-time grants redeemed through
 * {@link SealBackend#attach}.
 */
public interface HeapSource extends AutoCloseable
{
    /**
     * @param length     bytes, a whole number of pages.
     * @param ringSlots  seal descriptors the heap must hold at once (at least one per call slot).
     * @return the heap's id in this source.
     */
    long create(long length, int ringSlots);

    /**
     * @param pid      the only process that may redeem the grant.
     * @param receiver true: map writable and complete seals (server); false: map writable and seal (client).
     * @return a one-time token.
     */
    long grant(long heapId, int pid, boolean receiver);

    /** Unlist the heap; processes that map it keep it until their last mapping goes. */
    void destroy(long heapId);

    /** One line for status reports (counts of live heaps, seals, ...). */
    String describe();

    @Override
    void close();
}
