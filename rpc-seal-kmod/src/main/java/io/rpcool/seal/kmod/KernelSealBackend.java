package io.rpcool.seal.kmod;

import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.HeapSource;
import io.rpcool.seal.SealBackend;

/**
 * Seals enforced by the rpcool kernel module. Connection heaps are module-owned shmem files that
 * user space reaches only through {@code /dev/rpcool}; a seal zaps the range's page table entries
 * in every process and refuses every later write until the sender releases it, and the sender can
 * release only after the receiver marked the seal complete in the module's descriptor ring, which
 * the sender maps read-only. A malicious sender cannot change a sealed request (see the module's
 * README for each write route and how it is closed).
 *
 * <p>Chosen automatically (priority 100, above mprotect) when {@code /dev/rpcool} is present and
 * usable ({@link RpcoolModule}).
 */
public final class KernelSealBackend implements SealBackend
{
    public static final String NAME = "kernel";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public int kind()
    {
        return RequestQueueDescriptor.SEAL_KIND_KERNEL;
    }

    @Override
    public int priority()
    {
        return 100;
    }

    @Override
    public boolean isAvailable()
    {
        return RpcoolModule.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause()
    {
        return RpcoolModule.unavailabilityCause();
    }

    @Override
    public boolean isKernelEnforced()
    {
        return true;
    }

    @Override
    public String description()
    {
        return "kernel (rpcool module through " + KernelUapi.DEVICE_PATH + ": sealed pages refuse writes from every process " +
            "until released; the sender maps the descriptor ring read-only)";
    }

    @Override
    public HeapSource openHeapSource()
    {
        return KernelHeapSource.open();
    }

    @Override
    public HeapSeals attach(final long token, final long address, final long length, final boolean mapMemory, final boolean receiver)
    {
        return KernelHeapSeals.attach(RpcoolModule.processFile(), token, address, length, mapMemory, receiver);
    }
}
