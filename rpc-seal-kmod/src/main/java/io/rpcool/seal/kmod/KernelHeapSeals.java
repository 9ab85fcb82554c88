package io.rpcool.seal.kmod;

import static io.rpcool.seal.kmod.KernelUapi.*;
import static io.rpcool.seal.kmod.RpcoolModule.*;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.nativeio.AddressClashException;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.SealException;
import io.rpcool.seal.SealRing;

/**
 * One attachment of a module-owned heap in this process: the handle a grant was redeemed for,
 * the heap's descriptor ring mapped read-only (sender) or writable (receiver), and the seal
 * ioctls on that handle. Seal checks read the kernel-written ring through {@link SealRing}; a
 * receiver completes a seal with a compare-and-set of its state in the ring, without a system call.
 */
final class KernelHeapSeals implements HeapSeals
{
    private final DeviceFile file;
    private final int handle;
    private final int rights;
    private final long kernelHeapId;
    private final long ringAddress;
    private final long ringSize;
    private final SealRing ring;
    private final boolean receiver;
    private final UnsafeBuffer args = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final UnsafeBuffer batch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BATCH_MAX * 8, 64));
    private boolean closed;

    private KernelHeapSeals(
        final DeviceFile file,
        final int handle,
        final int rights,
        final long kernelHeapId,
        final long ringAddress,
        final long ringSize,
        final int ringSlots,
        final boolean receiver)
    {
        this.file = file;
        this.handle = handle;
        this.rights = rights;
        this.kernelHeapId = kernelHeapId;
        this.ringAddress = ringAddress;
        this.ringSize = ringSize;
        this.receiver = receiver;
        this.ring = new SealRing(new UnsafeBuffer(ringAddress, (int)ringSize), RING_HEADER_SIZE, ringSlots, kernelHeapId);
    }

    /**
     * Redeem {@code token} on this process's file, map the heap at {@code address} (unless
     * {@code mapMemory} is false) and the ring.
     */
    static KernelHeapSeals attach(
        final DeviceFile file, final long token, final long address, final long length, final boolean mapMemory, final boolean receiver)
    {
        final UnsafeBuffer reply = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ATTACH_SIZE, 64));
        file.attach(token, reply);
        final int handle = reply.getInt(ATTACH_HANDLE);
        final int rights = reply.getInt(ATTACH_RIGHTS);
        final long heapId = reply.getLong(ATTACH_HEAP_ID);
        final long heapSize = reply.getLong(ATTACH_HEAP_SIZE);
        final long heapOffset = reply.getLong(ATTACH_HEAP_OFFSET);
        final long ringOffset = reply.getLong(ATTACH_RING_OFFSET);
        final long ringSize = reply.getLong(ATTACH_RING_SIZE);
        final int ringSlots = reply.getInt(ATTACH_RING_SLOTS);
        long heapMapped = 0;
        try
        {
            if (heapSize != length)
            {
                throw new SealException(SealException.Reason.FAILED,
                    "the granted heap has " + heapSize + " bytes, the daemon announced " + length);
            }
            final int wanted = receiver ? RIGHT_WRITE | RIGHT_COMPLETE : RIGHT_WRITE | RIGHT_SEAL;
            if ((rights & wanted) != wanted)
            {
                throw new SealException(SealException.Reason.NOT_PERMITTED,
                    "the grant carries rights 0x" + Integer.toHexString(rights) + ", this end needs 0x" + Integer.toHexString(wanted));
            }
            if (mapMemory)
            {
                final long r = file.map(address, length, PROT_READ | PROT_WRITE, heapOffset);
                if (r == -EEXIST)
                {
                    throw new AddressClashException(address, length);
                }
                if (r < 0)
                {
                    throw file.failure((int)-r, String.format("mmap(0x%x, %d) of %s", address, length, DEVICE_PATH));
                }
                heapMapped = r;
            }
            final long ringAddress = file.map(0, ringSize, receiver ? PROT_READ | PROT_WRITE : PROT_READ, ringOffset);
            if (ringAddress < 0)
            {
                throw file.failure((int)-ringAddress, "mmap of the descriptor ring");
            }
            final UnsafeBuffer header = new UnsafeBuffer(ringAddress, RING_HEADER_SIZE);
            if (header.getInt(RING_MAGIC_OFFSET) != RING_MAGIC || header.getLong(RING_HEAP_ID_OFFSET) != heapId ||
                header.getInt(RING_SLOT_COUNT_OFFSET) != ringSlots || header.getInt(RING_DESC_SIZE_OFFSET) != DESC_SIZE ||
                (long)RING_HEADER_SIZE + (long)ringSlots * DESC_SIZE > ringSize)
            {
                file.unmap(ringAddress, ringSize);
                throw new SealException(SealException.Reason.FAILED, "the descriptor ring of heap " + heapId + " has an unexpected header");
            }
            return new KernelHeapSeals(file, handle, rights, heapId, ringAddress, ringSize, ringSlots, receiver);
        }
        catch (final RuntimeException e)
        {
            if (heapMapped != 0)
            {
                file.unmap(heapMapped, length);
            }
            try
            {
                file.detach(handle);
            }
            catch (final RuntimeException ignore)
            {
                // The handle goes with the file.
            }
            throw e;
        }
    }

    @Override
    public int kind()
    {
        return RequestQueueDescriptor.SEAL_KIND_KERNEL;
    }

    @Override
    public long heapId()
    {
        return kernelHeapId;
    }

    /** The ring, read-only for a sender. */
    SealRing ring()
    {
        return ring;
    }

    @Override
    public synchronized long seal(final long offset, final long length)
    {
        args.setMemory(0, SEAL_SIZE, (byte)0);
        args.putInt(SEAL_HANDLE, handle);
        args.putLong(SEAL_OFFSET, offset);
        args.putLong(SEAL_LENGTH, length);
        final int errno = file.ioctl(IOC_SEAL, args.addressOffset());
        if (errno != 0)
        {
            final String what = "RPCOOL_IOC_SEAL(offset " + offset + ", length " + length + ")";
            if (errno == EBUSY)
            {
                throw new SealException(SealException.Reason.FAILED, what + " failed: a page of the range is pinned for DMA");
            }
            throw file.failure(errno, what);
        }
        return args.getLong(SEAL_SEAL_ID);
    }

    @Override
    public int state(final long sealId)
    {
        return ring.state(sealId);
    }

    @Override
    public synchronized void release(final long sealId)
    {
        args.putInt(REF_HANDLE, handle);
        args.putInt(REF_RESERVED, 0);
        args.putLong(REF_SEAL_ID, sealId);
        final int errno = file.ioctl(IOC_RELEASE, args.addressOffset());
        if (errno != 0)
        {
            throw file.failure(errno, String.format("RPCOOL_IOC_RELEASE(seal 0x%x)", sealId));
        }
    }

    @Override
    public synchronized void release(final long[] sealIds, final int count)
    {
        if (count <= 0 || count > BATCH_MAX || count > sealIds.length)
        {
            throw new IllegalArgumentException("a batch releases 1.." + BATCH_MAX + " seals, not " + count);
        }
        for (int i = 0; i < count; i++)
        {
            batch.putLong(i * 8, sealIds[i]);
        }
        args.setMemory(0, BATCH_RELEASE_SIZE, (byte)0);
        args.putInt(BATCH_HANDLE, handle);
        args.putInt(BATCH_COUNT, count);
        args.putLong(BATCH_SEAL_IDS, batch.addressOffset());
        final int errno = file.ioctl(IOC_BATCH_RELEASE, args.addressOffset());
        if (errno != 0)
        {
            final int failed = args.getInt(BATCH_FAILED_INDEX);
            throw file.failure(errno, String.format("RPCOOL_IOC_BATCH_RELEASE of %d seals (first refused: index %d, seal 0x%x)",
                count, failed, failed >= 0 && failed < count ? sealIds[failed] : 0));
        }
    }

    @Override
    public int verify(final long sealId, final long offset, final long minLength, final long maxLength, final int senderPid)
    {
        return ring.verify(sealId, offset, minLength, maxLength, senderPid);
    }

    @Override
    public void complete(final long sealId)
    {
        if (!receiver)
        {
            throw new SealException(SealException.Reason.NOT_PERMITTED, "only the receiver's attachment completes seals");
        }
        ring.complete(sealId);
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        file.unmap(ringAddress, ringSize);
        try
        {
            file.detach(handle);
        }
        catch (final SealException e)
        {
            // Already gone with the file.
        }
    }

    @Override
    public String toString()
    {
        return "kernel heap " + kernelHeapId + " handle " + handle + " rights 0x" + Integer.toHexString(rights) +
            (receiver ? " (receiver)" : " (sender)");
    }
}
