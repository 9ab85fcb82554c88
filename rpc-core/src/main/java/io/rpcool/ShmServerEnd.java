package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.*;
import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.nativeio.Processes;

/**
 * The server end of a shared-memory connection: consumes request entries, validates them, runs
 * the handler with views of the request and reply buffers, and publishes the response line.
 */
final class ShmServerEnd
{
    final Channel channel;
    final long connectionId;
    final long heapId;
    final long address;
    final long length;
    final int clientPid;
    final int clientPidfd;
    final UnsafeBuffer queues;
    /** The connection's data heap (or the channel's shared one). */
    SharedHeap heap;
    private final int slots;
    private final int bufferSize;
    private final int capacity;
    private final int headOffset;
    private final long requestBuffers;
    private final int responses;
    final AtomicLong malformed = new AtomicLong();
    volatile boolean closing;

    ShmServerEnd(
        final Channel channel,
        final long connectionId,
        final long heapId,
        final long address,
        final long length,
        final int clientPid)
    {
        this.channel = channel;
        this.connectionId = connectionId;
        this.heapId = heapId;
        this.address = address;
        this.length = length;
        this.clientPid = clientPid;
        this.queues = new UnsafeBuffer(address, (int)length);
        ConnectionDescriptor.checkConnectionHeap(queues, address);
        this.slots = queues.getInt(io.rpcool.layout.HeapDescriptor.SLOT_COUNT_OFFSET);
        this.bufferSize = queues.getInt(io.rpcool.layout.HeapDescriptor.BUFFER_SIZE_OFFSET);
        this.capacity = queues.getInt(io.rpcool.layout.HeapDescriptor.QUEUE_CAPACITY_OFFSET);
        this.headOffset = QUEUE_OFFSET + HEAD_OFFSET;
        this.requestBuffers = buffersOffset(slots, capacity);
        this.responses = responsesOffset(capacity);
        this.clientPidfd = Processes.openPidfd(clientPid);
    }

    /**
     * Take and serve at most one request.
     *
     * @return 1 if an entry was consumed, 0 if the queue was empty or another thread took the entry.
     */
    int poll(final ServerCall call)
    {
        final UnsafeBuffer heap = this.queues;
        final long head = heap.getLongVolatile(headOffset);
        final int entry = entryOffset(QUEUE_OFFSET, capacity, head);
        final long sequence = heap.getLongVolatile(entry + SEQUENCE_OFFSET);
        if (sequence != head + 1)
        {
            if (sequence == head + 1 - capacity || heap.getLongVolatile(headOffset) != head)
            {
                return 0;
            }
            // Neither published nor free: the peer wrote garbage over the sequence. Mark the entry
            // published so it is consumed (and its fields validated) like any other; skipping the
            // position instead would leave the garbage to be misread one lap later.
            if (heap.compareAndSetLong(entry + SEQUENCE_OFFSET, sequence, head + 1))
            {
                onMalformed("entry " + head + " has sequence " + sequence + ", expected " + (head + 1));
            }
            return 0;
        }
        final long callId = heap.getLong(entry + CALL_ID_OFFSET);
        final int slot = heap.getInt(entry + SLOT_OFFSET);
        final int functionId = heap.getInt(entry + FUNCTION_OFFSET);
        final int requestLength = heap.getInt(entry + LENGTH_OFFSET);
        final int flags = heap.getInt(entry + FLAGS_OFFSET);
        if (!heap.compareAndSetLong(headOffset, head, head + 1))
        {
            return 0;
        }
        if (slot < 0 || slot >= slots)
        {
            onMalformed("entry " + head + " names slot " + slot + " of " + slots);
            return 1;
        }
        if (requestLength < 0 || requestLength > bufferSize)
        {
            onMalformed("entry " + head + " has request length " + requestLength);
            respondError(slot, callId, Status.MALFORMED_REQUEST,
                "request length " + requestLength + " outside the " + bufferSize + "-byte buffer");
            return 1;
        }
        if (flags != 0)
        {
            onMalformed("entry " + head + " has unknown flags 0x" + Integer.toHexString(flags));
            respondError(slot, callId, Status.MALFORMED_REQUEST, "unknown request flags 0x" + Integer.toHexString(flags));
            return 1;
        }
        serve(call, slot, callId, functionId, requestLength);
        return 1;
    }

    private void serve(final ServerCall call, final int slot, final long callId, final int functionId, final int requestLength)
    {
        final RpcHandler handler = channel.handler(functionId);
        if (handler == null)
        {
            respondError(slot, callId, Status.UNKNOWN_FUNCTION,
                "no handler for function " + functionId + " on " + channel.name());
            return;
        }
        final long requestAddress = address + requestBuffers + 2L * bufferSize * slot;
        call.request.wrap(requestAddress, requestLength);
        call.reply.wrap(requestAddress + bufferSize, bufferSize);
        call.functionId = functionId;
        call.replyLength = 0;
        call.connectionId = connectionId;
        call.clientPid = clientPid;
        call.heap = this.heap;
        try
        {
            handler.onCall(call);
        }
        catch (final Throwable t)
        {
            respondError(slot, callId, Status.ofHandlerFailure(t), String.valueOf(t));
            return;
        }
        respond(slot, callId, Status.OK.code(), call.replyLength);
        channel.callsServed.increment();
    }

    private void respond(final int slot, final long callId, final int status, final int length)
    {
        final UnsafeBuffer heap = this.queues;
        final int line = responses + slot * RESPONSE_LINE_LENGTH;
        heap.putInt(line + RESPONSE_STATUS_OFFSET, status);
        heap.putInt(line + RESPONSE_LENGTH_OFFSET, length);
        heap.putLongOrdered(line + RESPONSE_CALL_ID_OFFSET, callId);
    }

    private void respondError(final int slot, final long callId, final Status status, final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final int n = Math.min(bytes.length, bufferSize);
        final long replyOffset = requestBuffers + 2L * bufferSize * slot + bufferSize;
        queues.putBytes((int)replyOffset, bytes, 0, n);
        respond(slot, callId, status.code(), n);
    }

    private void onMalformed(final String what)
    {
        final long count = malformed.incrementAndGet();
        channel.malformedEntries.increment();
        if (count <= 10)
        {
            System.err.println("rpcool: " + channel.name() + " connection " + connectionId + " (client pid " + clientPid +
                "): rejected malformed request: " + what);
        }
    }

    boolean clientAlive()
    {
        return Processes.isAlive(clientPid, clientPidfd);
    }

    /** True if a request waits at the head of the queue (read-only check for parked handlers). */
    boolean hasRequest()
    {
        final long head = queues.getLongVolatile(headOffset);
        return queues.getLongVolatile(entryOffset(QUEUE_OFFSET, capacity, head) + SEQUENCE_OFFSET) != head + 1 - capacity;
    }
}
