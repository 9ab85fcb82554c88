package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.*;
import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.ipc.RequestEntry;
import io.rpcool.ipc.RequestQueue;
import io.rpcool.ipc.ResponseLines;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.ConnectionHeaderDescriptor;
import io.rpcool.layout.ResponseLineDescriptor;
import io.rpcool.nativeio.Futex;
import io.rpcool.nativeio.Processes;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.Protection;
import io.rpcool.seal.SealRequirement;
import io.rpcool.seal.SealRing;

/**
 * The server end of a shared-memory connection: takes entries from the heap's {@link RequestQueue}
 * (which validates them), checks the seal of a sealed call, runs the handler with views of the
 * request and reply buffers, marks the seal complete and publishes the reply on the heap's
 * {@link ResponseLines}.
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
    private final RequestQueue queue;
    private final ResponseLines lines;
    private final int bufferSize;
    private final long requestBuffers;
    private final long replyBuffers;
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
        ConnectionDescriptor.checkConnectionHeap(heap, address);
        final int slots = heap.getInt(ConnectionHeaderDescriptor.SLOT_COUNT_OFFSET);
        this.bufferSize = heap.getInt(ConnectionHeaderDescriptor.BUFFER_SIZE_OFFSET);
        final int capacity = heap.getInt(ConnectionHeaderDescriptor.QUEUE_CAPACITY_OFFSET);
        this.queue = new RequestQueue(address + QUEUE_OFFSET, capacity, slots, bufferSize, channel.options().handlerThreads() == 1);
        this.lines = new ResponseLines(address + responsesOffset(capacity), slots, bufferSize);
        this.requestBuffers = address + buffersOffset(slots, capacity);
        this.replyBuffers = requestBuffers + (long)slots * bufferSize;
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
        final RequestEntry entry = call.entry;
        switch (queue.poll(entry))
        {
            case RequestQueue.TAKEN:
                break;
            case RequestQueue.MALFORMED:
                onMalformedEntry(entry);
                return 1;
            case RequestQueue.CORRUPT_SEQUENCE:
                onMalformed("corrupt sequence word", "entry " + entry.position() + " had a corrupt sequence word");
                return 0;
            case RequestQueue.HOLE_SKIPPED:
                onMalformed("hole in the queue", "position " + entry.position() + " was claimed but not published within " +
                    RequestQueue.HOLE_GRACE_NS / 1_000_000 + " ms; skipped");
                return 1;
            default:
                return 0;
        }
        final int slot = entry.slot();
        final long callId = entry.callId();
        final int requestLength = entry.length();
        lines.started(slot, callId);
        Protection protection = Protection.NONE;
        HeapSeals completer = null;
        final long sealId = entry.sealId();
        if (entry.isSealed())
        {
            final long requestOffset = requestBuffers - address + (long)bufferSize * slot;
            final int sealKind = entry.sealKind();
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
                onRejectedSeal("seal does not verify: " + SealRing.describe(verdict), String.format(
                    "entry %d: seal 0x%x of kind %d: %s", entry.position(), sealId, sealKind, SealRing.describe(verdict)));
                respondError(slot, callId, Status.REJECTED, String.format(
                    "seal 0x%x (kind %d) does not verify: %s", sealId, sealKind, SealRing.describe(verdict)), null, 0, null);
                return 1;
            }
        }
        else if (entry.isCopy())
        {
            protection = Protection.COPY;
        }
        else if (entry.isInline())
        {
            call.inlineRequest(entry.inline0(), entry.inline1(), requestLength);
        }
        serve(call, slot, callId, entry.functionId(), requestLength, protection, completer, sealId, entry.isInline());
        return 1;
    }

    /** A malformed entry: counted and logged; answered with an error when its check says the slot and call id are real. */
    private void onMalformedEntry(final RequestEntry entry)
    {
        final String why = queue.describe(entry);
        onMalformed(RequestQueue.describe(entry.malformedReason()),
            "entry " + entry.position() + " (call 0x" + Long.toHexString(entry.callId()) + "): " + why);
        if (entry.isAnswerable())
        {
            respondError(entry.slot(), entry.callId(), Status.MALFORMED_REQUEST, why, null, 0, null);
        }
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
            onRejectedSeal("requirement not met", "function " + functionId + " requires " + requirement + ", the call is " + protection);
            respondError(slot, callId, Status.REJECTED, Channel.requirementMessage(channel.name(), functionId, requirement, protection),
                protection, sealId, completer);
            return;
        }
        final long requestAddress = requestBuffers + (long)bufferSize * slot;
        if (protection == Protection.COPY)
        {
            call.copyRequest(requestAddress, requestLength);
        }
        else if (!inline)
        {
            call.request.wrap(requestAddress, requestLength);
        }
        call.reply.wrap(replyBuffers + (long)bufferSize * slot, bufferSize);
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
        call.wokeClient = wakeClient(slot);
        call.served++;
    }

    /** A reply short enough goes inline in the response line too, so the client reads one line. */
    private void respondOk(final int slot, final long callId, final int length)
    {
        if (length < 0 || length > ResponseLineDescriptor.INLINE_MAX)
        {
            lines.publish(slot, callId, Status.OK.code(), length);
        }
        else
        {
            lines.publishInline(slot, callId, replyBuffers + (long)bufferSize * slot, length);
        }
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
        heap.putBytes((int)(replyBuffers - address + (long)bufferSize * slot), bytes, 0, n);
        if (protection != null)
        {
            complete(protection, sealId, completer);
        }
        lines.publish(slot, callId, status.code(), n);
        wakeClient(slot);
    }

    /** After a reply: wake the slot's calling thread if it sleeps in the kernel (counted; free otherwise). */
    private boolean wakeClient(final int slot)
    {
        if (lines.wakeWaiter(slot))
        {
            channel.counters().futexWakes.increment();
            return true;
        }
        return false;
    }

    /**
     * Count a malformed entry, record its kind once in the error log, and log the detail at DEBUG:
     * a client writing garbage costs the server a counter, not a log line per entry.
     */
    private void onMalformed(final String kind, final String detail)
    {
        malformed.incrementAndGet();
        channel.malformedEntries.increment();
        final RpcoolCounters counters = channel.counters();
        counters.malformedEntries.increment();
        counters.recordDistinct(new MalformedRequestException(channel.name() + ": malformed request entry: " + kind));
        RpcoolCounters.debug("rpcool: " + channel.name() + " connection " + connectionId + " (client pid " + clientPid +
            "): rejected malformed request: " + detail);
    }

    private void onRejectedSeal(final String kind, final String detail)
    {
        rejectedSeals.incrementAndGet();
        channel.rejectedCalls.increment();
        final RpcoolCounters counters = channel.counters();
        counters.rejectedCalls.increment();
        counters.recordDistinct(new MalformedRequestException(channel.name() + ": rejected call: " + kind));
        RpcoolCounters.debug("rpcool: " + channel.name() + " connection " + connectionId + " (client pid " + clientPid +
            "): rejected call: " + detail);
    }

    /** What a client sent that the server refused, as recorded in the error log. */
    static final class MalformedRequestException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(final String message)
        {
            super(message, null, false, false);
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

    /**
     * Sleep in {@code futex(2)} until a client rings the queue's doorbell, at most {@code timeoutNs}.
     *
     * @return true if woken by a client.
     */
    boolean sleep(final long timeoutNs, final Futex.Timespec timespec, final BooleanSupplier keepSleeping)
    {
        return queue.sleep(timeoutNs, timespec, keepSleeping);
    }

    /** Wake the handler threads sleeping on this connection's queue (it is going, or the channel's connections changed). */
    void wakeHandlers()
    {
        queue.wakeConsumers();
    }

    /** True if a request waits at the head of the queue (read-only check for parked handlers). */
    boolean hasRequest()
    {
        return queue.hasRequest();
    }
}
