package io.rpcool.ipc;

import static io.rpcool.layout.ResponseLineDescriptor.*;

import org.agrona.UnsafeApi;

import io.rpcool.nativeio.Futex;

/**
 * A connection's response and started lines, both sides of them: the server announces that it
 * started a call and publishes its reply; the client waits for the reply of its call, checks it
 * and, for an inline reply, copies it into private memory. Layout: {@link io.rpcool.layout.ResponseLineDescriptor}.
 *
 * <p>The client accepts a reply only when the line carries the call id it waits for (slot and
 * generation) and the check word matches the line: a line written by anyone but the server's
 * completed reply — a stray store, a half-written line, garbage — fails the call as malformed
 * instead of handing the caller wrong bytes. An inline reply is copied out of the line and checked
 * on the copy, so what the caller reads is exactly what was checked, whatever is written into the
 * line afterwards.
 *
 * <p>Accesses are raw reads and writes at addresses inside the mapped heap (see {@link RequestQueue}).
 */
public final class ResponseLines
{
    /** {@link #poll}: no reply for the call yet. */
    public static final int PENDING = 0;
    /** {@link #poll}: a successful reply, copied into the caller's inline buffer. */
    public static final int INLINE = 1;
    /** {@link #poll}: a reply (or an error message) in the slot's reply buffer; see {@link Reply}. */
    public static final int IN_BUFFER = 2;
    /** {@link #poll}: the line is not a reply the server could have written; see {@link Reply#malformedReason()}. */
    public static final int MALFORMED = 3;

    /** Malformed: the check word does not match the line. */
    public static final int BAD_CHECK = 1;
    /** Malformed: the reply length is outside the reply buffer. */
    public static final int BAD_LENGTH = 2;
    /** Malformed: unknown flags, or an inline reply that is too long or not a success. */
    public static final int BAD_FLAGS = 3;

    private final long base;
    private final int slotCount;
    private final int bufferSize;

    /**
     * @param linesAddress address of the first response line.
     * @param slotCount    slots of the connection.
     * @param bufferSize   bytes of each reply buffer (the longest valid reply).
     */
    public ResponseLines(final long linesAddress, final int slotCount, final int bufferSize)
    {
        this.base = linesAddress;
        this.slotCount = slotCount;
        this.bufferSize = bufferSize;
    }

    // -------------------------------------------------------------------------------------- server

    /** The server starts serving {@code callId} on {@code slot}. */
    public void started(final int slot, final long callId)
    {
        UnsafeApi.putLongRelease(null, base + startedOffset(slotCount, slot) + STARTED_CALL_ID_OFFSET, callId);
    }

    /**
     * Publish a reply whose bytes (or error message) are in the slot's reply buffer.
     */
    public void publish(final int slot, final long callId, final int status, final int length)
    {
        final long line = base + lineOffset(slot);
        UnsafeApi.putInt(line + STATUS_OFFSET, status);
        UnsafeApi.putInt(line + LENGTH_OFFSET, length);
        UnsafeApi.putInt(line + FLAGS_OFFSET, 0);
        UnsafeApi.putInt(line + CHECK_OFFSET, CallCheck.finish(CallCheck.replyHeader(callId, status, length, 0)));
        UnsafeApi.putLongRelease(null, line + CALL_ID_OFFSET, callId);
    }

    /**
     * Publish a successful reply of at most {@link io.rpcool.layout.ResponseLineDescriptor#INLINE_MAX}
     * bytes, copying it from {@code replyAddress} (the reply buffer, which has room for whole words)
     * into the line.
     */
    public void publishInline(final int slot, final long callId, final long replyAddress, final int length)
    {
        final long line = base + lineOffset(slot);
        long check = CallCheck.replyHeader(callId, 0, length, FLAG_INLINE);
        for (int i = 0; i < length; i += 8)
        {
            final long word = UnsafeApi.getLong(replyAddress + i);
            UnsafeApi.putLong(line + INLINE_OFFSET + i, word);
            check = CallCheck.step(check, i >> 3, word);
        }
        UnsafeApi.putInt(line + STATUS_OFFSET, 0);
        UnsafeApi.putInt(line + LENGTH_OFFSET, length);
        UnsafeApi.putInt(line + FLAGS_OFFSET, FLAG_INLINE);
        UnsafeApi.putInt(line + CHECK_OFFSET, CallCheck.finish(check));
        UnsafeApi.putLongRelease(null, line + CALL_ID_OFFSET, callId);
    }

    /**
     * After a publish: wake the slot's client if it sleeps on its response line. The full fence
     * orders the call id's store before the read of the sleeping word (the client orders them the
     * other way round), so either this side sees it asleep or its last look sees the reply.
     *
     * @return true if a wake-up was issued (a system call).
     */
    public boolean wakeWaiter(final int slot)
    {
        UnsafeApi.fullFence();
        if (UnsafeApi.getIntVolatile(null, base + waiterOffset(slotCount, slot) + SLEEPING_OFFSET) == 0)
        {
            return false;
        }
        Futex.wake(base + lineOffset(slot) + CALL_ID_OFFSET, Integer.MAX_VALUE);
        return true;
    }

    // -------------------------------------------------------------------------------------- client

    /**
     * Sleep in {@code futex(2)} until the server publishes on {@code slot}'s response line, at most
     * {@code timeoutNs}; return at once if the reply to {@code callId} is already there.
     *
     * @param timespec the caller's own timeout struct (no allocation per wait).
     * @return true if the thread was woken by a publish (or spuriously), false if it did not sleep
     *         or the wait ended another way (timeout, signal, the line changed before it slept).
     */
    public boolean sleep(final int slot, final long callId, final long timeoutNs, final Futex.Timespec timespec)
    {
        final long word = base + lineOffset(slot) + CALL_ID_OFFSET;
        final long sleeping = base + waiterOffset(slotCount, slot) + SLEEPING_OFFSET;
        final int seen = UnsafeApi.getIntVolatile(null, word);
        UnsafeApi.putIntVolatile(null, sleeping, 1);
        boolean woken = false;
        if (UnsafeApi.getLongVolatile(null, word) != callId)
        {
            woken = Futex.await(word, seen, timeoutNs, timespec) == 0;
        }
        UnsafeApi.putIntRelease(null, sleeping, 0);
        return woken;
    }

    /**
     * Look once for the reply to {@code callId} on {@code slot}.
     *
     * @param inlineCopy address of at least {@link io.rpcool.layout.ResponseLineDescriptor#INLINE_MAX}
     *                   bytes of the caller's private memory, where an inline reply is copied.
     * @param reply      receives status, length or the reason a line was refused.
     * @return {@link #PENDING}, {@link #INLINE}, {@link #IN_BUFFER} or {@link #MALFORMED}.
     */
    public int poll(final int slot, final long callId, final long inlineCopy, final Reply reply)
    {
        final long line = base + lineOffset(slot);
        if (UnsafeApi.getLongVolatile(null, line + CALL_ID_OFFSET) != callId)
        {
            return PENDING;
        }
        final int status = UnsafeApi.getInt(line + STATUS_OFFSET);
        final int length = UnsafeApi.getInt(line + LENGTH_OFFSET);
        final int flags = UnsafeApi.getInt(line + FLAGS_OFFSET);
        final int check = UnsafeApi.getInt(line + CHECK_OFFSET);
        reply.status = status;
        reply.length = length;
        if (length < 0 || length > bufferSize)
        {
            return malformed(reply, BAD_LENGTH);
        }
        if (flags == FLAG_INLINE)
        {
            if (length > INLINE_MAX || status != 0)
            {
                return malformed(reply, BAD_FLAGS);
            }
            long h = CallCheck.replyHeader(callId, status, length, flags);
            for (int i = 0; i < length; i += 8)
            {
                final long word = UnsafeApi.getLong(line + INLINE_OFFSET + i);
                UnsafeApi.putLong(inlineCopy + i, word);
                h = CallCheck.step(h, i >> 3, word);
            }
            return check == CallCheck.finish(h) ? INLINE : malformed(reply, BAD_CHECK);
        }
        if (flags != 0)
        {
            return malformed(reply, BAD_FLAGS);
        }
        return check == CallCheck.finish(CallCheck.replyHeader(callId, status, length, flags)) ? IN_BUFFER :
            malformed(reply, BAD_CHECK);
    }

    /** True if the line carries the reply to {@code callId}, checked or not (a late reply arrived). */
    public boolean isAnswered(final int slot, final long callId)
    {
        return UnsafeApi.getLongVolatile(null, base + lineOffset(slot) + CALL_ID_OFFSET) == callId;
    }

    /** The call id of the newest call the server started on {@code slot} (0 if none). */
    public long startedCallId(final int slot)
    {
        return UnsafeApi.getLongVolatile(null, base + startedOffset(slotCount, slot) + STARTED_CALL_ID_OFFSET);
    }

    private static int malformed(final Reply reply, final int reason)
    {
        reply.malformedReason = reason;
        return MALFORMED;
    }

    /**
     * @return a description of why a line was refused.
     */
    public static String describe(final int reason)
    {
        switch (reason)
        {
            case BAD_CHECK: return "check word does not match the reply";
            case BAD_LENGTH: return "reply length outside the buffer";
            case BAD_FLAGS: return "unknown reply flags, or an inline reply that is too long or not a success";
            default: return "reason " + reason;
        }
    }

    /** What {@link #poll} found: status and length of a reply, or why a line was refused. */
    public static final class Reply
    {
        int status;
        int length;
        int malformedReason;

        public int status()
        {
            return status;
        }

        public int length()
        {
            return length;
        }

        public int malformedReason()
        {
            return malformedReason;
        }
    }
}
