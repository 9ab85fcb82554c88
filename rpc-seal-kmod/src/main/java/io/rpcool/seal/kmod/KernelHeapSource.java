package io.rpcool.seal.kmod;

import static io.rpcool.seal.kmod.KernelUapi.*;

import io.rpcool.seal.HeapSource;
import io.rpcool.seal.SealException;

/**
 * The daemon's side of the module: a file on {@code /dev/rpcool} opened with the privilege to
 * create heaps ({@code CAP_SYS_ADMIN}, or the module's {@code daemon_gid}), which creates
 * connection heaps and issues one-time grants bound to a pid: the client gets
 * {@code WRITE | SEAL} (its ring mapping is read-only), the server {@code WRITE | COMPLETE} (its
 * ring mapping is writable, to mark seals complete). Closing it unlists the heaps it created;
 * processes that map them keep them.
 */
final class KernelHeapSource implements HeapSource
{
    private final DeviceFile file;

    private KernelHeapSource(final DeviceFile file)
    {
        this.file = file;
    }

    static KernelHeapSource open()
    {
        final DeviceFile file = RpcoolModule.openFile();
        final DeviceFile.Info info;
        try
        {
            info = file.info();
        }
        catch (final RuntimeException e)
        {
            file.close();
            throw e;
        }
        if (!info.daemon)
        {
            file.close();
            throw new SealException(SealException.Reason.NOT_PERMITTED, "this process may not create heaps through " + DEVICE_PATH +
                " (it needs CAP_SYS_ADMIN or the module's daemon_gid)");
        }
        return new KernelHeapSource(file);
    }

    @Override
    public long create(final long length, final int ringSlots)
    {
        return file.createHeap(length, Math.max(1, Math.min(ringSlots, RING_MAX_SLOTS)));
    }

    @Override
    public long grant(final long heapId, final int pid, final boolean receiver)
    {
        return file.grant(heapId, pid, receiver ? RIGHT_WRITE | RIGHT_COMPLETE : RIGHT_WRITE | RIGHT_SEAL);
    }

    @Override
    public void destroy(final long heapId)
    {
        file.destroyHeap(heapId);
    }

    @Override
    public String describe()
    {
        try
        {
            return "module-owned via " + DEVICE_PATH + " (" + file.info() + ")";
        }
        catch (final RuntimeException e)
        {
            return "module-owned via " + DEVICE_PATH + " (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close()
    {
        file.close();
    }
}
