package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.*;
import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.nativeio.Processes;
import io.rpcool.nativeio.SharedMemory;

/**
 * The client end of a shared-memory connection: produces request entries into the heap's queue
 * and reads replies from the slots' response lines.
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

    ShmConnection(
        final Rpcool rpcool,
        final String channelName,
        final long connectionId,
        final long heapId,
        final long address,
        final long length,
        final int slots,
        final int bufferSize)
    {
        super(rpcool, channelName, slots, bufferSize);
        this.connectionId = connectionId;
        this.heapId = heapId;
        this.address = address;
        this.length = length;
        this.heap = new UnsafeBuffer(address, (int)length);
        this.capacity = ConnectionDescriptor.queueCapacity(slots);
        this.tailOffset = QUEUE_OFFSET + TAIL_OFFSET;
        this.headOffset = QUEUE_OFFSET + HEAD_OFFSET;
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
        heap.putLong(entry + CALL_ID_OFFSET, callId);
        heap.putInt(entry + SLOT_OFFSET, call.slot);
        heap.putInt(entry + FUNCTION_OFFSET, call.functionId);
        heap.putInt(entry + LENGTH_OFFSET, call.requestLength);
        heap.putInt(entry + FLAGS_OFFSET, 0);
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
            if (length < 0 || length > bufferSize)
            {
                call.fail(new RpcException(Status.MALFORMED_REPLY,
                    "reply length " + length + " outside the " + bufferSize + "-byte buffer"));
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
