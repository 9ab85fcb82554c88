package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.*;
import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.HeapDescriptor;
import io.rpcool.nativeio.Processes;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.Protection;
import io.rpcool.seal.SealRequirement;
import io.rpcool.seal.SealRing;

/**
 * The server end of a shared-memory connection: consumes request entries, validates them, checks
 * the seal of a sealed call, runs the handler with views of the request and reply buffers, marks
 * the seal complete and publishes the response line.
 *
 * <p>A sealed entry names its seal by id and kind. Kernel seals are checked in the kernel module's
 * descriptor ring of the heap (written by the kernel, read-only for the client); mprotect seals in
 * the heap's sender seal descriptors (written by the client). Either way the descriptor must hold
 * that id in state SEALED, for this heap, made by the connection's client, starting at the slot's
 * request buffer and covering the request. A seal that does not check out gets a
 * {@link Status#REJECTED} reply and the handler does not run. A valid seal is marked complete before
 * the response is published (also when the call is answered with an error), so the client can
 * release it as soon as it sees the reply.
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
    final UnsafeBuffer heap;
    /** The connection's data heap (or the channel's shared one), for pointer-rich arguments. */
    SharedHeap dataHeap;
    /** The channel has one handler thread, the only consumer of the queue: the head moves without a CAS. */
    private final boolean singleConsumer;
    private final int slots;
    private final int bufferSize;
    private final int capacity;
    private final int headOffset;
    private final long requestBuffers;
    private final long replyBuffers;
    private final int responses;
    /** Seals of the heap's seal backend (the kernel module), or null for a memfd heap. */
    private final HeapSeals backendSeals;
    /** The client's mprotect seal descriptors in the heap. */
    private final SealRing senderSeals;
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong rejectedSeals = new AtomicLong();
    volatile boolean closing;

    ShmServerEnd(
        final Channel channel,
        final long connectionId,
        final long heapId,
        final long address,
        final long length,
        final int clientPid,
        final HeapSeals backendSeals)
    {
        this.channel = channel;
        this.connectionId = connectionId;
        this.heapId = heapId;
        this.address = address;
        this.length = length;
        this.clientPid = clientPid;
        this.backendSeals = backendSeals;
        this.heap = new UnsafeBuffer(address, (int)length);
        this.singleConsumer = channel.options().handlerThreads() == 1;
        ConnectionDescriptor.checkConnectionHeap(heap, address);
        this.slots = heap.getInt(HeapDescriptor.SLOT_COUNT_OFFSET);
        this.bufferSize = heap.getInt(HeapDescriptor.BUFFER_SIZE_OFFSET);
        this.capacity = heap.getInt(HeapDescriptor.QUEUE_CAPACITY_OFFSET);
        this.headOffset = QUEUE_OFFSET + HEAD_OFFSET;
        this.requestBuffers = buffersOffset(slots, capacity);
        this.replyBuffers = requestBuffers + (long)slots * bufferSize;
        this.responses = responsesOffset(capacity);
        this.senderSeals = new SealRing(heap, (int)sealDescriptorsOffset(slots, capacity), slots, heapId);
        this.clientPidfd = Processes.openPidfd(clientPid);
    }

    /**
     * Take and serve at most one request.
     *
     * @return 1 if an entry was consumed, 0 if the queue was empty or another thread took the entry.
     */
    int poll(final ServerCall call)
    {
        // Raw reads at addresses inside the mapped heap (the queue's offsets come from the header,
        // checked when the connection was accepted, and positions are masked by the capacity): the
        // end is closed, and its heap unmapped, only once no handler thread can be here (quiesce).
        final long base = address;
        final long head = UnsafeApi.getLongVolatile(null, base + headOffset);
        final long entry = base + entryOffset(QUEUE_OFFSET, capacity, head);
        final long sequence = UnsafeApi.getLongVolatile(null, entry + SEQUENCE_OFFSET);
        if (sequence != head + 1)
        {
            if (sequence == head + 1 - capacity || UnsafeApi.getLongVolatile(null, base + headOffset) != head)
            {
                return 0;
            }
            // Neither published nor free: the peer wrote garbage over the sequence. Mark the entry
            // published so it is consumed (and its fields validated) like any other; skipping the
            // position instead would leave the garbage to be misread one lap later.
            if (UnsafeApi.compareAndSetLong(null, entry + SEQUENCE_OFFSET, sequence, head + 1))
            {
                onMalformed("entry " + head + " has sequence " + sequence + ", expected " + (head + 1));
            }
            return 0;
        }
        final long callId = UnsafeApi.getLong(entry + CALL_ID_OFFSET);
        final int slot = UnsafeApi.getInt(entry + SLOT_OFFSET);
        final int functionId = UnsafeApi.getInt(entry + FUNCTION_OFFSET);
        final int requestLength = UnsafeApi.getInt(entry + LENGTH_OFFSET);
        final int flags = UnsafeApi.getInt(entry + FLAGS_OFFSET);
        final long sealId = UnsafeApi.getLong(entry + SEAL_ID_OFFSET);
        final int sealKind = UnsafeApi.getInt(entry + SEAL_KIND_OFFSET);
        // Read before the claim, like every field: once the head moves, the producer may reuse the entry.
        final long inline0 = UnsafeApi.getLong(entry + INLINE_OFFSET);
        final long inline1 = UnsafeApi.getLong(entry + INLINE_OFFSET + 8);
        if (singleConsumer)
        {
            // The channel's only handler thread: nobody else moves the head.
            UnsafeApi.putLongRelease(null, base + headOffset, head + 1);
        }
        else if (!heap.compareAndSetLong(headOffset, head, head + 1))
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
                "request length " + requestLength + " outside the " + bufferSize + "-byte buffer", null, 0);
            return 1;
        }
        if ((flags & ~KNOWN_FLAGS) != 0 || ((flags & FLAG_SEALED) != 0 && (flags & (FLAG_COPY | FLAG_INLINE)) != 0) ||
            (flags & (FLAG_COPY | FLAG_INLINE)) == (FLAG_COPY | FLAG_INLINE))
        {
            onMalformed("entry " + head + " has unknown flags 0x" + Integer.toHexString(flags));
            respondError(slot, callId, Status.MALFORMED_REQUEST, "unknown request flags 0x" + Integer.toHexString(flags), null, 0);
            return 1;
        }
        Protection protection = Protection.NONE;
        HeapSeals completer = null;
        if ((flags & FLAG_SEALED) != 0)
        {
            final long requestOffset = requestBuffers + (long)bufferSize * slot;
            final int verdict;
            if (sealKind == SEAL_KIND_MPROTECT)
            {
                verdict = senderSeals.verify(sealId, requestOffset, requestLength, bufferSize, clientPid);
                protection = Protection.MPROTECT_SEAL;
            }
            else if (backendSeals != null && sealKind == backendSeals.kind())
            {
                verdict = backendSeals.verify(sealId, requestOffset, requestLength, bufferSize, clientPid);
                completer = backendSeals;
                protection = Protection.KERNEL_SEAL;
            }
            else
            {
                verdict = SealRing.UNSUPPORTED_KIND;
            }
            if (verdict != SealRing.VALID)
            {
                onRejectedSeal(String.format("entry %d: seal 0x%x of kind %d: %s", head, sealId, sealKind, SealRing.describe(verdict)));
                respondError(slot, callId, Status.REJECTED, String.format(
                    "seal 0x%x (kind %d) does not verify: %s", sealId, sealKind, SealRing.describe(verdict)), null, 0);
                return 1;
            }
        }
        else if ((flags & FLAG_COPY) != 0)
        {
            protection = Protection.COPY;
        }
        else if ((flags & FLAG_INLINE) != 0)
        {
            if (requestLength > INLINE_MAX)
            {
                onMalformed("entry " + head + " has an inline request of " + requestLength + " bytes");
                respondError(slot, callId, Status.MALFORMED_REQUEST,
                    "inline request of " + requestLength + " bytes, at most " + INLINE_MAX, null, 0);
                return 1;
            }
            call.inlineRequest(inline0, inline1, requestLength);
        }
        serve(call, slot, callId, functionId, requestLength, protection, completer, sealId, (flags & FLAG_INLINE) != 0);
        return 1;
    }

    private void serve(
        final ServerCall call,
        final int slot,
        final long callId,
        final int functionId,
        final int requestLength,
        final Protection protection,
        final HeapSeals completer,
        final long sealId,
        final boolean inline)
    {
        final Channel.Function function = channel.function(functionId);
        if (function == null)
        {
            respondError(slot, callId, Status.UNKNOWN_FUNCTION,
                "no handler for function " + functionId + " on " + channel.name(), protection, sealId, completer);
            return;
        }
        final RpcHandler handler = function.handler;
        final SealRequirement requirement = function.requirement;
        if (requirement != SealRequirement.NONE && !requirement.isMetBy(protection))
        {
            onRejectedSeal("function " + functionId + " requires " + requirement + ", the call is " + protection);
            respondError(slot, callId, Status.REJECTED, Channel.requirementMessage(channel.name(), functionId, requirement, protection),
                protection, sealId, completer);
            return;
        }
        final long requestAddress = address + requestBuffers + (long)bufferSize * slot;
        if (protection == Protection.COPY)
        {
            call.copyRequest(requestAddress, requestLength);
        }
        else if (!inline)
        {
            call.request.wrap(requestAddress, requestLength);
        }
        call.reply.wrap(address + replyBuffers + (long)bufferSize * slot, bufferSize);
        call.functionId = functionId;
        call.replyLength = 0;
        call.connectionId = connectionId;
        call.clientPid = clientPid;
        call.protection = protection;
        call.heap = this.dataHeap;
        try
        {
            handler.onCall(call);
        }
        catch (final Throwable t)
        {
            respondError(slot, callId, Status.ofHandlerFailure(t), String.valueOf(t), protection, sealId, completer);
            return;
        }
        complete(protection, sealId, completer);
        respondOk(slot, callId, call.replyLength);
        call.served++;
    }

    /** A reply short enough goes inline in the response line too, so the client reads one line. */
    private void respondOk(final int slot, final long callId, final int length)
    {
        if (length < 0 || length > RESPONSE_INLINE_MAX)
        {
            respond(slot, callId, Status.OK.code(), length);
            return;
        }
        // Raw writes into the slot's response line (slot checked by poll; see there).
        final long line = address + responses + (long)slot * RESPONSE_LINE_LENGTH;
        final long reply = address + replyBuffers + (long)bufferSize * slot;
        for (int i = 0; i < length; i += 8)
        {
            UnsafeApi.putLong(line + RESPONSE_INLINE_OFFSET + i, UnsafeApi.getLong(reply + i));
        }
        UnsafeApi.putInt(line + RESPONSE_STATUS_OFFSET, Status.OK.code());
        UnsafeApi.putInt(line + RESPONSE_LENGTH_OFFSET, length);
        UnsafeApi.putInt(line + RESPONSE_FLAGS_OFFSET, RESPONSE_FLAG_INLINE);
        UnsafeApi.putLongRelease(null, line + RESPONSE_CALL_ID_OFFSET, callId);
    }

    /**
     * Mark a verified seal complete: the handler is done with the request.
     */
    private void complete(final Protection protection, final long sealId, final HeapSeals completer)
    {
        if (protection == Protection.MPROTECT_SEAL)
        {
            senderSeals.complete(sealId);
        }
        else if (completer != null)
        {
            completer.complete(sealId);
        }
    }

    private void respond(final int slot, final long callId, final int status, final int length)
    {
        final int line = responses + slot * RESPONSE_LINE_LENGTH;
        heap.putInt(line + RESPONSE_STATUS_OFFSET, status);
        heap.putInt(line + RESPONSE_LENGTH_OFFSET, length);
        heap.putInt(line + RESPONSE_FLAGS_OFFSET, 0);
        heap.putLongOrdered(line + RESPONSE_CALL_ID_OFFSET, callId);
    }

    private void respondError(
        final int slot, final long callId, final Status status, final String message, final Protection protection, final long sealId)
    {
        respondError(slot, callId, status, message, protection, sealId, null);
    }

    private void respondError(
        final int slot,
        final long callId,
        final Status status,
        final String message,
        final Protection protection,
        final long sealId,
        final HeapSeals completer)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final int n = Math.min(bytes.length, bufferSize);
        heap.putBytes((int)(replyBuffers + (long)bufferSize * slot), bytes, 0, n);
        if (protection != null)
        {
            complete(protection, sealId, completer);
        }
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

    private void onRejectedSeal(final String what)
    {
        final long count = rejectedSeals.incrementAndGet();
        channel.rejectedCalls.increment();
        if (count <= 10)
        {
            System.err.println("rpcool: " + channel.name() + " connection " + connectionId + " (client pid " + clientPid +
                "): rejected call: " + what);
        }
    }

    boolean clientAlive()
    {
        return Processes.isAlive(clientPid, clientPidfd);
    }

    /** Stop using the heap's seal backend (detach); the heap mapping goes separately. */
    void closeSeals()
    {
        if (backendSeals != null)
        {
            backendSeals.close();
        }
    }

    /** True if a request waits at the head of the queue (read-only check for parked handlers). */
    boolean hasRequest()
    {
        final long head = heap.getLongVolatile(headOffset);
        return heap.getLongVolatile(entryOffset(QUEUE_OFFSET, capacity, head) + SEQUENCE_OFFSET) != head + 1 - capacity;
    }
}
