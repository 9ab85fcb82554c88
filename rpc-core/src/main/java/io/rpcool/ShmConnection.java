package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.*;
import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.util.concurrent.locks.LockSupport;

import org.agrona.UnsafeApi;

import io.rpcool.ipc.RequestQueue;
import io.rpcool.ipc.ResponseLines;
import io.rpcool.nativeio.Futex;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.nativeio.Processes;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.SealMode;
import io.rpcool.seal.SealPolicy;

/**
 * The client end of a shared-memory connection: publishes calls on the heap's {@link RequestQueue}
 * and takes replies from its {@link ResponseLines}. Sealed calls seal their request buffer through
 * the connection's {@link SealBatcher} before publishing.
 */
final class ShmConnection extends Connection
{
    final long connectionId;
    final long heapId;
    final long address;
    final long length;
    private final RequestQueue queue;
    private final ResponseLines lines;
    private final long requestBuffers;
    private final boolean sealable;
    private final int copyBelow;
    final SealBatcher sealing;
    volatile int serverPid;
    volatile int serverPidfd = -1;
    private boolean unmapped;
    /** This connection's data heap: private, or the channel's shared one. */
    volatile SharedHeap dataHeap;
    /** Addresses of the channel heaps this connection mapped, released on close. */
    final java.util.List<Long> mappedChannelHeaps = new java.util.ArrayList<>();

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
        this.connectionId = connectionId;
        this.heapId = heapId;
        this.address = address;
        this.length = length;
        final int capacity = ConnectionDescriptor.queueCapacity(slots);
        this.queue = new RequestQueue(address + QUEUE_OFFSET, capacity, slots, bufferSize, false);
        this.lines = new ResponseLines(address + responsesOffset(capacity), slots, bufferSize);
        this.requestBuffers = address + buffersOffset(slots, capacity);
        this.sealable = ConnectionDescriptor.isSealable(bufferSize);
        this.copyBelow = copyBelow;
        this.sealing = new SealBatcher(seals, channelName, buffersOffset(slots, capacity), bufferSize, slots, releaseThreshold);
        initCalls();
    }

    @Override
    ClientCall newClientCall(final int slot)
    {
        return new ClientCall(this, slot, requestBuffers + (long)bufferSize * slot,
            requestBuffers + (long)bufferSize * (slotCount + slot), bufferSize);
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
        return sealing.seals().kind();
    }

    @Override
    void prepareProtection(final ClientCall call, final int length)
    {
        if (call.sealId != 0)
        {
            sealing.takeBack(call);
        }
        SealMode mode = call.sealMode;
        if (mode == SealMode.POLICY)
        {
            mode = SealPolicy.copyOrSeal(length, copyBelow);
        }
        if (mode == SealMode.SEAL)
        {
            if (!sealable)
            {
                throw new IllegalStateException("cannot seal a call on the connection to " + channelName + ": its buffers are " +
                    bufferSize + " bytes, not whole pages (open it with ConnectOptions.sealing(true))");
            }
            sealing.seal(call, length);
            call.entryFlags = FLAG_SEALED;
            call.sealKind = sealing.seals().kind();
        }
        else
        {
            call.entryFlags = mode == SealMode.COPY ? FLAG_COPY : 0;
            call.sealKind = 0;
        }
    }

    @Override
    void reclaimRequestBuffer(final ClientCall call)
    {
        try
        {
            sealing.takeBack(call);
        }
        catch (final io.rpcool.seal.SealException e)
        {
            // Still sealed: writes through the buffer say so.
        }
    }

    @Override
    void sealedCallEnded(final ClientCall call, final long sealId)
    {
        sealing.ended(call, sealId);
    }

    @Override
    void releaseSeal(final ClientCall call)
    {
        sealing.release(call);
    }

    @Override
    void send(final ClientCall call)
    {
        final long callId = call.nextCallId();
        call.markInFlight(callId);
        if (!isOpen())
        {
            call.fail(goneException());
            throw call.failure;
        }
        long position = queue.claim();
        if (position < 0)
        {
            position = awaitRoom(call, position);
        }
        int flags = call.entryFlags;
        long inline0 = 0;
        long inline1 = 0;
        if (flags == 0 && call.requestLength <= INLINE_MAX)
        {
            // A small plain request travels in the entry's own cache line; the request buffer
            // stays in this process's cache.
            final long request = call.request.addressOffset();
            inline0 = UnsafeApi.getLong(request);
            inline1 = UnsafeApi.getLong(request + 8);
            flags = FLAG_INLINE;
        }
        call.queuePosition = position;
        queue.publish(position, callId, call.functionId, call.requestLength, flags, call.sealKind, call.sealId, inline0, inline1);
        call.wokeServer = queue.wakeConsumer();
        if (call.wokeServer)
        {
            rpcool.counterSet().futexWakes.increment();
        }
    }

    @Override
    boolean sleep(final ClientCall call, final long timeoutNs)
    {
        Futex.requestShortSlice(HandlerAgent.SHORT_SLICE_NS);
        if (call.state == ClientCall.IN_FLIGHT && isOpen() &&
            lines.sleep(call.slot, call.callId, timeoutNs, call.timespec))
        {
            rpcool.counterSet().futexSleeps.increment();
        }
        return true;
    }

    /**
     * The queue had no room. A slot is reused only once the server consumed its last entry, so the
     * queue holds at most one entry per other slot and is never full while the server consumes:
     * positions a stray store claimed are skipped within the hole grace. Wait up to the call's
     * timeout; a queue still full then (the server stopped consuming this connection) or counters
     * that contradict each other break the connection, so callers open a new one instead of timing
     * out for good.
     */
    private long awaitRoom(final ClientCall call, final long first)
    {
        final long deadline = System.nanoTime() + callTimeoutNs;
        long position = first;
        while (position < 0)
        {
            if (!isOpen() || System.nanoTime() - deadline > 0)
            {
                final RpcException failure = !isOpen() ? goneException() : position == RequestQueue.CORRUPT ?
                    broken("its request queue's counters are corrupted (tail behind head or more than a lap ahead)") :
                    broken("its request queue stayed full for a whole call timeout (" + callTimeoutNs / 1_000_000 +
                        " ms): the server stopped consuming this connection's requests");
                call.fail(failure);
                throw failure;
            }
            LockSupport.parkNanos(1_000);
            position = queue.claim();
        }
        return position;
    }

    @Override
    boolean poll(final ClientCall call)
    {
        if (call.state != ClientCall.IN_FLIGHT)
        {
            return true;
        }
        final ResponseLines.Reply reply = call.lineReply;
        switch (lines.poll(call.slot, call.callId, call.inlineReplyAddress, reply))
        {
            case ResponseLines.PENDING:
                if (!isOpen())
                {
                    call.fail(goneException());
                    return true;
                }
                return false;
            case ResponseLines.INLINE:
                call.succeed(call.inlineReplyAddress, reply.length());
                return true;
            case ResponseLines.IN_BUFFER:
                complete(call, reply.status(), reply.length());
                return true;
            default:
                onMalformedReply(call, ResponseLines.describe(reply.malformedReason()));
                return true;
        }
    }

    private void onMalformedReply(final ClientCall call, final String why)
    {
        if (call.fail(new RpcException(Status.MALFORMED_REPLY, "reply to call 0x" + Long.toHexString(call.callId) +
            " on slot " + call.slot + " of " + channelName + " refused: " + why)))
        {
            call.stale = true;
            call.staleSinceNs = System.nanoTime();
            rpcool.counterSet().malformedReplies.increment();
        }
    }

    /**
     * A call that timed out or got a refused reply is reused once the server can no longer write
     * its slot for it: its reply arrived after all, or the server consumed its queue entry without
     * starting it (the entry was lost or refused).
     */
    @Override
    boolean lateReplyArrived(final ClientCall call)
    {
        return !isOpen() || lines.isAnswered(call.slot, call.callId) ||
            queue.consumedUpTo() > call.queuePosition && lines.startedCallId(call.slot) < call.callId;
    }

    /**
     * Checked by the process's conductor: is the server still alive?
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
        try
        {
            sealing.flush();
        }
        catch (final RuntimeException e)
        {
            // The seals go with the heap.
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
                sealing.seals().close();
                MappedHeaps.unmap(address);
                SharedMemory.close(serverPidfd);
            }
        }
        rpcool.detached(this);
        if (quiet)
        {
            rpcool.releaseHeaps(HeapOwner.connection(connectionId));
            for (final long channelHeap : mappedChannelHeaps)
            {
                rpcool.releaseChannelHeapUse(channelHeap);
            }
        }
    }
}
