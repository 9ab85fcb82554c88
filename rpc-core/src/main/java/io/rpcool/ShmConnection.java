package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.*;
import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.SealDescriptor;
import io.rpcool.nativeio.Processes;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.SealException;
import io.rpcool.seal.SealMode;
import io.rpcool.seal.SealPolicy;

/**
 * The client end of a shared-memory connection: produces request entries into the heap's queue
 * and reads replies from the slots' response lines. Sealed calls seal their request buffer
 * through the heap's {@link HeapSeals} before publishing; completed seals wait in a per-connection
 * batch and are released together.
 */
final class ShmConnection extends Connection
{
    final long connectionId;
    final long heapId;
    final long address;
    final long length;
    final UnsafeBuffer heap;
    private final int capacity;
    private final int tailOffset;
    private final int headOffset;
    private final int[] responseOffsets;
    private long cachedHead;
    volatile int serverPid;
    volatile int serverPidfd = -1;
    private boolean unmapped;
    /** This connection's data heap: private, or the channel's shared one. */
    volatile SharedHeap dataHeap;
    /** Addresses of the channel heaps this connection mapped, released on close. */
    final java.util.List<Long> mappedChannelHeaps = new java.util.ArrayList<>();

    final HeapSeals seals;
    private final boolean sealable;
    private final long requestBuffersOffset;
    private final int releaseThreshold;
    private final int copyBelow;
    private final Object sealLock = new Object();
    private final long[] batchIds;
    private final ClientCall[] batchCalls;
    private int batchCount;
    /** Counters, guarded by the seal lock. */
    long sealsMade;
    long batchReleases;
    long sealsReleasedInBatches;
    long singleReleases;

    ShmConnection(
        final Rpcool rpcool,
        final String channelName,
        final long connectionId,
        final long heapId,
        final long address,
        final long length,
        final int slots,
        final int bufferSize,
        final HeapSeals seals,
        final int releaseThreshold,
        final int copyBelow)
    {
        super(rpcool, channelName, slots, bufferSize);
        this.seals = seals;
        this.sealable = ConnectionDescriptor.isSealable(bufferSize);
        this.releaseThreshold = Math.max(1, Math.min(releaseThreshold, slots));
        this.copyBelow = copyBelow;
        this.batchIds = new long[slots];
        this.batchCalls = new ClientCall[slots];
        this.connectionId = connectionId;
        this.heapId = heapId;
        this.address = address;
        this.length = length;
        this.heap = new UnsafeBuffer(address, (int)length);
        this.capacity = ConnectionDescriptor.queueCapacity(slots);
        this.tailOffset = QUEUE_OFFSET + TAIL_OFFSET;
        this.headOffset = QUEUE_OFFSET + HEAD_OFFSET;
        this.requestBuffersOffset = buffersOffset(slots, capacity);
        this.responseOffsets = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            responseOffsets[i] = (int)responseLineOffset(capacity, i);
        }
        initCalls();
    }

    @Override
    ClientCall newClientCall(final int slot)
    {
        return new ClientCall(this, slot,
            address + requestBufferOffset(slotCount, capacity, bufferSize, slot),
            address + replyBufferOffset(slotCount, capacity, bufferSize, slot),
            bufferSize);
    }

    @Override
    public Transport transport()
    {
        return Transport.SHARED_MEMORY;
    }

    @Override
    public SharedHeap heap()
    {
        checkOpen();
        return dataHeap;
    }

    /** Where this connection's heap is mapped, the same address in the server. */
    public long heapAddress()
    {
        return address;
    }

    public long heapLength()
    {
        return length;
    }

    public long connectionId()
    {
        return connectionId;
    }

    public int serverPid()
    {
        return serverPid;
    }

    /** True if calls on this connection can be sealed (its buffers are whole pages). */
    public boolean isSealable()
    {
        return sealable;
    }

    /** Seal kind of this connection's seals ({@code RequestQueueDescriptor.SEAL_KIND_*}). */
    public int sealKind()
    {
        return seals.kind();
    }

    /** Completed seals are released in one batch once this many are held (at most the slot count). */
    public int sealReleaseThreshold()
    {
        return releaseThreshold;
    }

    /** Seals that completed and wait for release. */
    public int heldSeals()
    {
        synchronized (sealLock)
        {
            return batchCount;
        }
    }

    /** Batch releases done so far (each one permission change for several seals). */
    public long sealBatchReleases()
    {
        synchronized (sealLock)
        {
            return batchReleases;
        }
    }

    /** Seals released in batches so far. */
    public long sealsReleasedInBatches()
    {
        synchronized (sealLock)
        {
            return sealsReleasedInBatches;
        }
    }

    @Override
    void prepareProtection(final ClientCall call, final int length)
    {
        if (call.sealId != 0)
        {
            takeBackRequestBuffer(call);
        }
        SealMode mode = call.sealMode;
        if (mode == SealMode.POLICY)
        {
            mode = SealPolicy.copyOrSeal(length, copyBelow);
        }
        if (mode == SealMode.SEAL)
        {
            seal(call, length);
        }
        else
        {
            call.entryFlags = mode == SealMode.COPY ? FLAG_COPY : 0;
            call.sealKind = 0;
        }
    }

    private void seal(final ClientCall call, final int length)
    {
        if (!sealable)
        {
            throw new IllegalStateException("cannot seal a call on the connection to " + channelName + ": its buffers are " +
                bufferSize + " bytes, not whole pages (open it with ConnectOptions.sealing(true))");
        }
        final long pages = Math.max(1, (length + (long)PAGE_SIZE - 1) / PAGE_SIZE);
        final long sealId = seals.seal(requestBuffersOffset + (long)bufferSize * call.slot, pages * PAGE_SIZE);
        synchronized (sealLock)
        {
            sealsMade++;
            call.sealId = sealId;
        }
        call.request.sealed(SealableBuffer.IN_FLIGHT, sealId);
        call.entryFlags = FLAG_SEALED;
        call.sealKind = seals.kind();
    }

    /**
     * The call needs its buffer for a new request: release its seal if the server completed it,
     * with every other completed seal of the connection.
     *
     * @throws SealException if the server never completed it.
     */
    private void takeBackRequestBuffer(final ClientCall call)
    {
        synchronized (sealLock)
        {
            final long sealId = call.sealId;
            if (sealId == 0)
            {
                return;
            }
            if (call.batchIndex >= 0)
            {
                flushBatch();
            }
            else if (seals.state(sealId) == SealDescriptor.STATE_COMPLETE)
            {
                releaseOne(call);
            }
            if (call.sealId != 0)
            {
                throw new SealException(SealException.Reason.NOT_COMPLETE, String.format(
                    "the request buffer of slot %d on %s is still sealed: the server has not completed seal 0x%x " +
                    "(its call failed or timed out); it cannot be written or sealed again until the server completes it",
                    call.slot, channelName, sealId));
            }
        }
    }

    @Override
    void reclaimRequestBuffer(final ClientCall call)
    {
        try
        {
            takeBackRequestBuffer(call);
        }
        catch (final SealException e)
        {
            // Still sealed: writes through the buffer say so.
        }
    }

    @Override
    void sealedCallEnded(final ClientCall call, final long sealId)
    {
        synchronized (sealLock)
        {
            if (call.sealId != sealId)
            {
                // Released early (releaseSeal), and maybe sealed again by a newer call.
                return;
            }
            call.request.sealed(SealableBuffer.HELD, sealId);
            if (call.batchIndex < 0 && seals.state(sealId) == SealDescriptor.STATE_COMPLETE)
            {
                batchIds[batchCount] = sealId;
                batchCalls[batchCount] = call;
                call.batchIndex = batchCount++;
                if (batchCount >= releaseThreshold)
                {
                    flushBatch();
                }
            }
        }
    }

    @Override
    void releaseSeal(final ClientCall call)
    {
        synchronized (sealLock)
        {
            if (call.sealId != 0)
            {
                releaseOne(call);
            }
        }
    }

    /** Caller holds the seal lock. */
    private void releaseOne(final ClientCall call)
    {
        seals.release(call.sealId);
        singleReleases++;
        removeFromBatch(call);
        unsealed(call);
    }

    /** Release every completed seal with one permission change. Caller holds the seal lock. */
    private void flushBatch()
    {
        final int n = batchCount;
        if (n == 0)
        {
            return;
        }
        try
        {
            seals.release(batchIds, n);
            batchReleases++;
            sealsReleasedInBatches += n;
            for (int i = 0; i < n; i++)
            {
                unsealed(batchCalls[i]);
            }
        }
        catch (final SealException e)
        {
            // All or nothing failed: one of them is not complete any more. Release the others one by one.
            for (int i = 0; i < n; i++)
            {
                final ClientCall c = batchCalls[i];
                try
                {
                    seals.release(batchIds[i]);
                    singleReleases++;
                    unsealed(c);
                }
                catch (final SealException stillSealed)
                {
                    c.batchIndex = -1;
                }
            }
        }
        for (int i = 0; i < n; i++)
        {
            batchCalls[i] = null;
        }
        batchCount = 0;
    }

    private void removeFromBatch(final ClientCall call)
    {
        final int i = call.batchIndex;
        if (i < 0)
        {
            return;
        }
        final int last = --batchCount;
        if (i != last)
        {
            batchIds[i] = batchIds[last];
            batchCalls[i] = batchCalls[last];
            batchCalls[i].batchIndex = i;
        }
        batchCalls[last] = null;
        call.batchIndex = -1;
    }

    private static void unsealed(final ClientCall call)
    {
        call.sealId = 0;
        call.batchIndex = -1;
        call.request.unsealed();
    }

    @Override
    void send(final ClientCall call)
    {
        final long callId = call.callId + 1;
        call.markInFlight(callId);
        if (closed || goneReason != null)
        {
            call.fail(goneException());
            throw call.failure;
        }
        final UnsafeBuffer heap = this.heap;
        long tail;
        while (true)
        {
            tail = heap.getLongVolatile(tailOffset);
            if (tail - cachedHead >= capacity)
            {
                cachedHead = heap.getLongVolatile(headOffset);
                if (tail - cachedHead >= capacity)
                {
                    // Cannot happen with one request per slot unless the server corrupted the head counter.
                    if (goneReason != null || closed)
                    {
                        call.fail(goneException());
                        throw call.failure;
                    }
                    Thread.onSpinWait();
                    continue;
                }
            }
            if (heap.compareAndSetLong(tailOffset, tail, tail + 1))
            {
                break;
            }
        }
        final int entry = entryOffset(QUEUE_OFFSET, capacity, tail);
        int flags = call.entryFlags;
        if (flags == 0 && call.requestLength <= INLINE_MAX)
        {
            // A small plain request travels in the entry's own cache line; the request buffer
            // stays in this process's cache.
            final long request = requestBuffersOffset + (long)bufferSize * call.slot;
            heap.putLong(entry + INLINE_OFFSET, heap.getLong((int)request));
            heap.putLong(entry + INLINE_OFFSET + 8, heap.getLong((int)request + 8));
            flags = FLAG_INLINE;
        }
        heap.putLong(entry + CALL_ID_OFFSET, callId);
        heap.putInt(entry + SLOT_OFFSET, call.slot);
        heap.putInt(entry + FUNCTION_OFFSET, call.functionId);
        heap.putInt(entry + LENGTH_OFFSET, call.requestLength);
        heap.putInt(entry + FLAGS_OFFSET, flags);
        heap.putLong(entry + SEAL_ID_OFFSET, call.sealId);
        heap.putInt(entry + SEAL_KIND_OFFSET, call.sealKind);
        heap.putLongOrdered(entry + SEQUENCE_OFFSET, tail + 1);
    }

    @Override
    boolean poll(final ClientCall call)
    {
        if (call.state != ClientCall.IN_FLIGHT)
        {
            return true;
        }
        final int line = responseOffsets[call.slot];
        if (heap.getLongVolatile(line + RESPONSE_CALL_ID_OFFSET) == call.callId)
        {
            final int status = heap.getInt(line + RESPONSE_STATUS_OFFSET);
            final int length = heap.getInt(line + RESPONSE_LENGTH_OFFSET);
            final int replyFlags = heap.getInt(line + RESPONSE_FLAGS_OFFSET);
            final boolean inline = (replyFlags & RESPONSE_FLAG_INLINE) != 0;
            if (length < 0 || length > bufferSize)
            {
                call.fail(new RpcException(Status.MALFORMED_REPLY,
                    "reply length " + length + " outside the " + bufferSize + "-byte buffer"));
            }
            else if ((replyFlags & ~RESPONSE_FLAG_INLINE) != 0 ||
                (inline && (length > RESPONSE_INLINE_MAX || status != Status.OK.code())))
            {
                call.fail(new RpcException(Status.MALFORMED_REPLY, "reply flags 0x" + Integer.toHexString(replyFlags) +
                    " with status " + status + " and length " + length));
            }
            else if (inline)
            {
                call.succeed(heap.addressOffset() + line + RESPONSE_INLINE_OFFSET, length);
            }
            else
            {
                complete(call, status, length);
            }
            return true;
        }
        if (closed || goneReason != null)
        {
            call.fail(goneException());
            return true;
        }
        return false;
    }

    @Override
    boolean lateReplyArrived(final ClientCall call)
    {
        return closed || goneReason != null ||
            heap.getLongVolatile(responseOffsets[call.slot] + RESPONSE_CALL_ID_OFFSET) == call.callId;
    }

    /**
     * Checked by the process's watchdog: is the server still alive?
     */
    void checkPeer()
    {
        final int pid = serverPid;
        if (pid > 0 && goneReason == null && !closed && !Processes.isAlive(pid, serverPidfd))
        {
            peerGone("server process " + pid + " exited");
        }
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        // Calls in flight see 'closed' and fail; wait until no thread still reads the heap.
        final long deadline = System.nanoTime() + 2_000_000_000L;
        for (final ClientCall call : calls)
        {
            while (call.state == ClientCall.IN_FLIGHT && System.nanoTime() < deadline)
            {
                final Thread waiter = call.waiter;
                if (waiter != null)
                {
                    LockSupport.unpark(waiter);
                }
                Thread.onSpinWait();
            }
        }
        final boolean quiet = rpcool.quiescePoller();
        synchronized (sealLock)
        {
            try
            {
                flushBatch();
            }
            catch (final RuntimeException e)
            {
                // The seals go with the heap.
            }
        }
        for (final ClientCall call : calls)
        {
            call.request.wrap(0, 0);
            call.reply.wrap(0, 0);
        }
        rpcool.connectionClosed(this);
        synchronized (this)
        {
            if (!unmapped && quiet)
            {
                unmapped = true;
                seals.close();
                heap.wrap(0, 0);
                MappedHeaps.unmap(address);
                SharedMemory.close(serverPidfd);
            }
        }
        rpcool.detached(this);
        if (quiet)
        {
            rpcool.releaseHeaps(io.rpcool.daemon.ControlProtocol.SCOPE_CONNECTION, connectionId);
            for (final long channelHeap : mappedChannelHeaps)
            {
                rpcool.releaseChannelHeapUse(channelHeap);
            }
        }
    }
}
