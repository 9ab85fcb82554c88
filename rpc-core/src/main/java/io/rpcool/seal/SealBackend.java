package io.rpcool.seal;

/**
 * A way to seal RPC buffers: make a range of a connection heap read-only for its sender while a
 * call is in flight, with a descriptor the receiver can check, released by the sender once the
 * receiver marked it complete.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (see {@link SealBackends}).
 * rpc-core ships {@link MprotectSealBackend}; the kernel module's backend lives in its own module.
 * The per-host daemon picks one backend for the host (the available one of highest
 * {@link #priority()}, unless configured otherwise) and every process follows it: a backend that
 * owns heap memory ({@link #openHeapSource()} returns non-null) creates the connection heaps, and
 * processes map them with {@link #attach}. Availability follows Netty's shape:
 * {@link #isAvailable()} and {@link #unavailabilityCause()}.
 */
public interface SealBackend
{
    /** Short name used in configuration ({@code rpcool.seal.backend}) and reports. */
    String name();

    /**
     * @return the seal kind written into queue entries:
     * {@link io.rpcool.layout.RequestQueueDescriptor#SEAL_KIND_MPROTECT} or
     * {@link io.rpcool.layout.RequestQueueDescriptor#SEAL_KIND_KERNEL}.
     */
    int kind();

    /** Among available backends the daemon picks the highest priority. */
    int priority();

    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, or null. */
    Throwable unavailabilityCause();

    /**
     * @return true if the kernel enforces the seal against every write of every process, so a
     * malicious sender cannot change a sealed buffer; false if only the sender's own honest code is
     * kept from writing.
     */
    boolean isKernelEnforced();

    /** One line for status reports: what this backend is and what it protects against. */
    String description();

    /**
     * Daemon side: open the source of heap memory this backend owns.
     *
     * @return null if connection heaps stay ordinary memfds with this backend.
     * @throws SealException if the backend owns heap memory but this process may not create it.
     */
    HeapSource openHeapSource();

    /**
     * Process side: redeem a grant the daemon issued for heap memory of this backend.
     *
     * @param token     the one-time grant token.
     * @param address   where the heap lives in every process.
     * @param length    heap length.
     * @param mapMemory map the heap at {@code address} ({@code MAP_FIXED_NOREPLACE}); false when this
     *                  process already maps it through another attachment.
     * @param receiver  true for the server end (may complete seals), false for the client (may seal).
     * @return the seals of this attachment; closing it detaches but leaves the memory mapped.
     */
    HeapSeals attach(long token, long address, long length, boolean mapMemory, boolean receiver);
}
