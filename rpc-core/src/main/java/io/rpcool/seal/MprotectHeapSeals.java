package io.rpcool.seal;

import static io.rpcool.layout.SealDescriptor.*;
import static io.rpcool.nativeio.Native.*;

import java.util.Arrays;

import org.agrona.concurrent.AtomicBuffer;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.nativeio.Errno;

/**
 * {@link MprotectSealBackend}'s seals on one memfd heap. The sender keeps its own record of every
 * seal it holds (the shared descriptors are only what it tells the receiver: it never trusts them
 * for the ranges it unprotects). Sealing, releasing and batches are serialized per heap.
 */
final class MprotectHeapSeals implements HeapSeals
{
    private final long heapAddress;
    private final long heapLength;
    private final AtomicBuffer heap;
    private final SealRing ring;
    private final int pid;
    private final int[] free;
    private int freeCount;
    private final int[] generations;
    private final long[] heldIds;
    private final long[] heldOffsets;
    private final long[] heldLengths;
    private final long[] batchKeys;

    MprotectHeapSeals(
        final long heapAddress,
        final AtomicBuffer heap,
        final int descriptorsOffset,
        final int count,
        final long heapId,
        final int pid)
    {
        this.heapAddress = heapAddress;
        this.heapLength = heap.capacity();
        this.heap = heap;
        this.ring = new SealRing(heap, descriptorsOffset, count, heapId);
        this.pid = pid;
        this.free = new int[count];
        for (int i = 0; i < count; i++)
        {
            free[i] = count - 1 - i;
        }
        this.freeCount = count;
        this.generations = new int[count];
        this.heldIds = new long[count];
        this.heldOffsets = new long[count];
        this.heldLengths = new long[count];
        this.batchKeys = new long[count];
    }

    @Override
    public int kind()
    {
        return RequestQueueDescriptor.SEAL_KIND_MPROTECT;
    }

    @Override
    public long heapId()
    {
        return ring.heapId();
    }

    @Override
    public synchronized long seal(final long offset, final long length)
    {
        final int page = ConnectionDescriptor.PAGE_SIZE;
        if (length <= 0 || (offset & (page - 1)) != 0 || (length & (page - 1)) != 0 || offset < 0 || offset > heapLength - length)
        {
            throw new SealException(SealException.Reason.FAILED,
                "cannot seal [" + offset + ", +" + length + "): not whole pages inside the " + heapLength + "-byte heap");
        }
        for (int i = 0; i < heldIds.length; i++)
        {
            if (heldIds[i] != 0 && offset < heldOffsets[i] + heldLengths[i] && heldOffsets[i] < offset + length)
            {
                throw new SealException(SealException.Reason.OVERLAPS, String.format(
                    "cannot seal [%d, +%d): it overlaps seal 0x%x, still held", offset, length, heldIds[i]));
            }
        }
        if (freeCount == 0)
        {
            throw new SealException(SealException.Reason.NO_SPACE, "all " + free.length + " seal descriptors are in use");
        }
        protect(offset, length, PROT_READ, "seal");
        final int index = free[--freeCount];
        int generation = generations[index] + 1;
        if (generation == 0)
        {
            generation = 1;
        }
        generations[index] = generation;
        final long sealId = sealId(generation, index);
        heldIds[index] = sealId;
        heldOffsets[index] = offset;
        heldLengths[index] = length;
        final int d = ring.descriptorOffset(sealId);
        heap.putLong(d + SEAL_ID_OFFSET, sealId);
        heap.putLong(d + HEAP_ID_OFFSET, ring.heapId());
        heap.putLong(d + RANGE_OFFSET_OFFSET, offset);
        heap.putLong(d + RANGE_LENGTH_OFFSET, length);
        heap.putInt(d + SENDER_PID_OFFSET, pid);
        heap.putInt(d + GENERATION_OFFSET, generation);
        heap.putLong(d + SEAL_TIME_OFFSET, System.nanoTime());
        heap.putIntOrdered(d + STATE_OFFSET, STATE_SEALED);
        return sealId;
    }

    @Override
    public int state(final long sealId)
    {
        return ring.state(sealId);
    }

    @Override
    public synchronized void release(final long sealId)
    {
        final int index = check(sealId);
        protect(heldOffsets[index], heldLengths[index], PROT_READ | PROT_WRITE, "release");
        released(index);
    }

    @Override
    public synchronized void release(final long[] sealIds, final int count)
    {
        if (count < 0 || count > sealIds.length || count > batchKeys.length)
        {
            throw new IllegalArgumentException("cannot release " + count + " seals at once (at most " + batchKeys.length + ")");
        }
        for (int i = 0; i < count; i++)
        {
            final int index = check(sealIds[i]);
            batchKeys[i] = heldOffsets[index] << 16 | index;
        }
        Arrays.sort(batchKeys, 0, count);
        for (int i = 1; i < count; i++)
        {
            if ((int)(batchKeys[i] & 0xFFFF) == (int)(batchKeys[i - 1] & 0xFFFF))
            {
                throw new SealException(SealException.Reason.UNKNOWN_SEAL, String.format(
                    "seal 0x%x appears twice in one batch", heldIds[(int)(batchKeys[i] & 0xFFFF)]));
            }
        }
        // One mprotect per run of adjacent ranges (request buffers of neighbouring slots are adjacent).
        int i = 0;
        while (i < count)
        {
            final int first = (int)(batchKeys[i] & 0xFFFF);
            final long start = heldOffsets[first];
            long end = start + heldLengths[first];
            int j = i + 1;
            while (j < count && heldOffsets[(int)(batchKeys[j] & 0xFFFF)] == end)
            {
                end += heldLengths[(int)(batchKeys[j] & 0xFFFF)];
                j++;
            }
            protect(start, end - start, PROT_READ | PROT_WRITE, "batch release");
            i = j;
        }
        for (int k = 0; k < count; k++)
        {
            released((int)(batchKeys[k] & 0xFFFF));
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
        ring.complete(sealId);
    }

    @Override
    public void close()
    {
        // Nothing to detach: the memory mapping belongs to the connection.
    }

    /**
     * @return the descriptor index of a seal this process holds and the receiver completed.
     */
    private int check(final long sealId)
    {
        final int index = index(sealId);
        if (index < 0 || index >= heldIds.length || heldIds[index] != sealId || sealId == 0)
        {
            throw new SealException(SealException.Reason.UNKNOWN_SEAL, String.format("seal 0x%x is not held", sealId));
        }
        final int state = ring.state(sealId);
        if (state != STATE_COMPLETE)
        {
            throw new SealException(SealException.Reason.NOT_COMPLETE, String.format(
                "seal 0x%x is not complete (state %s): the receiver has not finished with the buffer", sealId, stateName(state)));
        }
        return index;
    }

    private void released(final int index)
    {
        heap.putIntOrdered(ring.descriptorOffset(heldIds[index]) + STATE_OFFSET, STATE_RELEASED);
        heldIds[index] = 0;
        free[freeCount++] = index;
    }

    private void protect(final long offset, final long length, final int prot, final String what)
    {
        if (libc().mprotect(heapAddress + offset, length, prot) != 0)
        {
            final int errno = errno();
            throw new SealException(SealException.Reason.FAILED, what + " failed: " +
                Errno.exception(String.format("mprotect(0x%x, %d, %d)", heapAddress + offset, length, prot), errno).getMessage());
        }
    }
}
