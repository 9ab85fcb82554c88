package io.rpcool.seal;

import org.agrona.concurrent.AtomicBuffer;

import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.nativeio.Native;

/**
 * Seals made in-process: the sender {@code mprotect}s its own mapping of the request buffer
 * read-only and writes the seal descriptor into the connection heap; the receiver checks that
 * descriptor and marks it complete there. No kernel module is needed and heaps stay memfds.
 *
 * <p><b>What it protects against:</b> a buggy sender (a write to a sealed buffer faults in the
 * sender instead of changing the request under the receiver). <b>What it does not:</b> a malicious
 * sender, which can {@code mprotect} its pages writable again, map the heap a second time, or
 * write a descriptor for a seal it never made. A channel that requires kernel seals
 * ({@code SealRequirement.KERNEL}) rejects calls sealed this way.
 */
public final class MprotectSealBackend implements SealBackend
{
    public static final String NAME = "mprotect";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public int kind()
    {
        return RequestQueueDescriptor.SEAL_KIND_MPROTECT;
    }

    @Override
    public int priority()
    {
        return 10;
    }

    @Override
    public boolean isAvailable()
    {
        return Native.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause()
    {
        return Native.unavailabilityCause();
    }

    @Override
    public boolean isKernelEnforced()
    {
        return false;
    }

    @Override
    public String description()
    {
        return "mprotect (in-process: the sender's own mapping of a sealed buffer is made read-only; " +
            "stops buggy senders, not malicious ones)";
    }

    /** Heaps stay memfds created by the daemon. */
    @Override
    public HeapSource openHeapSource()
    {
        return null;
    }

    @Override
    public HeapSeals attach(final long token, final long address, final long length, final boolean mapMemory, final boolean receiver)
    {
        throw new UnsupportedOperationException("mprotect seals work on memfd heaps; they have no grants to redeem");
    }

    /**
     * Seals on a memfd heap this process maps at {@code heapAddress}, with the descriptors at
     * {@code descriptorsOffset} of {@code heap}.
     *
     * @param pid the sender's pid written into descriptors (this process when sending).
     */
    public static HeapSeals forHeap(
        final long heapAddress,
        final AtomicBuffer heap,
        final int descriptorsOffset,
        final int count,
        final long heapId,
        final int pid)
    {
        return new MprotectHeapSeals(heapAddress, heap, descriptorsOffset, count, heapId, pid);
    }
}
