package io.rpcool;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.idle.AdaptiveIdleStrategy;
import io.rpcool.idle.Sleeper;
import io.rpcool.idle.Watchable;
import io.rpcool.ipc.ResponseLines;
import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.layout.ResponseLineDescriptor;
import io.rpcool.nativeio.Futex;
import io.rpcool.seal.SealException;
import io.rpcool.seal.SealMode;

/**
 * One call slot of a connection: a request buffer the caller fills in place, a reply buffer it
 * reads in place, and the call's state. Take one with {@link Connection#newCall(int)}, invoke it
 * any number of times, and {@link #close()} it to return the slot. Over shared memory both buffers
 * live in the connection's heap, so nothing is copied between the processes.
 *
 * <pre>{@code
 * try (ClientCall call = conn.newCall(ECHO)) {
 *     int n = call.request().putStringWithoutLengthAscii(0, "ping");
 *     call.invoke(n);
 *     String reply = call.reply().getStringWithoutLengthAscii(0, call.replyLength());
 * }
 * }</pre>
 *
 * <h2>Sealed calls</h2>
 * With {@link #sealed(boolean) sealed(true)} (or {@link #sealMode(SealMode)}) each invocation seals
 * the pages of the request before publishing it: while the call is in flight no write through
 * {@link #request()} is accepted ({@link IllegalStateException} "buffer sealed ...") and the pages
 * are read-only, so the server reads exactly what was sent. After the reply the seal is held until
 * it is released: {@link #request()} and the next invocation release it (together with every other
 * completed seal of the connection, with one permission change), the connection releases its
 * completed seals in one batch once {@link ConnectOptions#sealReleaseThreshold(int)} of them are
 * held, and {@link #releaseSeal()} releases this one on its own. A release succeeds only once the
 * server has marked the call complete.
 *
 * A call object is used by one thread at a time.
 */
public final class ClientCall implements AutoCloseable, Watchable
{
    static final int IDLE = 0;
    static final int IN_FLIGHT = 1;
    static final int DONE = 2;
    static final int FAILED = 3;

    private static final AtomicIntegerFieldUpdater<ClientCall> STATE =
        AtomicIntegerFieldUpdater.newUpdater(ClientCall.class, "state");

    final Connection connection;
    final int slot;
    final SealableBuffer request;
    final UnsafeBuffer reply = new UnsafeBuffer(0, 0);
    final long replyAddress;
    final int bufferSize;
    int functionId;
    /** Calls made on this slot so far; the call id of the current one names it and the slot. */
    long generation;
    long callId;
    /** Queue position of the current call's request entry (shared memory). */
    long queuePosition;
    int requestLength;
    int replyLength;
    long deadlineNs;
    volatile int state = IDLE;
    /**
     * Set when a call timed out (or its reply was refused) while the server may still write its
     * slot; the slot is reused only once the server can no longer write it for that call.
     */
    boolean stale;
    long staleSinceNs;
    /** Private memory an inline reply is copied into, so the caller reads exactly what was checked. */
    private final UnsafeBuffer inlineReply;
    final long inlineReplyAddress;
    final ResponseLines.Reply lineReply = new ResponseLines.Reply();
    private final AdaptiveIdleStrategy idle;
    /** The timeout of this slot's kernel sleeps, or null when waits end in timed parks. */
    final Futex.Timespec timespec;
    boolean checkedOut;
    RpcException failure;
    CallCallback callback;
    CompletableFuture<ClientCall> future;
    volatile Thread waiter;
    /** Sending the current call woke the server from a kernel sleep: wait without a spin. */
    boolean wokeServer;
    SealMode sealMode = SealMode.NONE;
    /** The seal held on the request buffer (in flight, or waiting for release); 0 if none. Guarded by the connection's seal lock. */
    volatile long sealId;
    /** Index in the connection's release batch, or -1. Guarded by the connection's seal lock. */
    int batchIndex = -1;
    /** Queue entry flags and seal kind of the call being sent. */
    int entryFlags;
    int sealKind;

    ClientCall(final Connection connection, final int slot, final long requestAddress, final long replyAddress, final int bufferSize)
    {
        this.connection = connection;
        this.slot = slot;
        this.request = new SealableBuffer(requestAddress, bufferSize, slot);
        this.replyAddress = replyAddress;
        this.bufferSize = bufferSize;
        this.inlineReply = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ResponseLineDescriptor.INLINE_MAX + 8, 64));
        this.inlineReplyAddress = inlineReply.addressOffset();
        final boolean futex = connection.rpcool.waitControl().futex() && connection.transport() == Transport.SHARED_MEMORY;
        this.timespec = futex ? new Futex.Timespec() : null;
        final Sleeper sleeper = futex ? timeoutNs -> connection.sleep(this, timeoutNs) : null;
        this.idle = new AdaptiveIdleStrategy(connection.rpcool.waitControl(), this, sleeper);
    }

    /** The call id of the next call on this slot. */
    long nextCallId()
    {
        return RequestQueueDescriptor.callId(++generation, slot);
    }

    public int functionId()
    {
        return functionId;
    }

    /** Change the function this call invokes. */
    public ClientCall functionId(final int functionId)
    {
        this.functionId = functionId;
        return this;
    }

    /**
     * The request buffer; capacity is the connection's buffer size. If the last call's seal is
     * still held and the server completed it, it is released first (with the connection's other
     * completed seals). While a sealed call is in flight, writes through the buffer throw
     * {@link IllegalStateException}.
     */
    public MutableDirectBuffer request()
    {
        if (sealId != 0 && state != IN_FLIGHT)
        {
            connection.reclaimRequestBuffer(this);
        }
        return request;
    }

    /**
     * Seal every following invocation's request ({@link SealMode#SEAL}) or not ({@link SealMode#NONE}).
     */
    public ClientCall sealed(final boolean sealed)
    {
        return sealMode(sealed ? SealMode.SEAL : SealMode.NONE);
    }

    /**
     * How following invocations protect their request: not at all, sealed, copied by the server, or
     * as the connection's {@link io.rpcool.seal.SealPolicy} decides by request length.
     */
    public ClientCall sealMode(final SealMode mode)
    {
        this.sealMode = mode == null ? SealMode.NONE : mode;
        return this;
    }

    public SealMode sealMode()
    {
        return sealMode;
    }

    /** True while the request buffer is sealed (call in flight, or seal not yet released). */
    public boolean isSealed()
    {
        return request.isSealed();
    }

    /** The seal held on the request buffer, or 0. */
    public long sealId()
    {
        return sealId;
    }

    /**
     * Release this call's seal now, on its own, instead of waiting for the connection's batch.
     * Does nothing if no seal is held.
     *
     * @throws SealException with reason {@code NOT_COMPLETE} if the server has not marked the call
     * complete yet (it may still be reading the request).
     */
    public ClientCall releaseSeal()
    {
        if (sealId != 0)
        {
            connection.releaseSeal(this);
        }
        return this;
    }

    /** The reply of the last completed call; capacity is exactly {@link #replyLength()}. */
    public DirectBuffer reply()
    {
        return reply;
    }

    public int replyLength()
    {
        return replyLength;
    }

    public Connection connection()
    {
        return connection;
    }

    /** The address of the request buffer, the same in both processes over shared memory. */
    public long requestAddress()
    {
        return request.addressOffset();
    }

    /**
     * The address of the reply buffer. A short reply over shared memory is read from the slot's
     * response line instead; {@link #reply()} always shows where the last reply is.
     */
    public long replyAddress()
    {
        return replyAddress;
    }

    /**
     * Call with the first {@code requestLength} bytes of {@link #request()} and wait for the reply,
     * up to the connection's default deadline.
     *
     * @throws RpcException if the call failed.
     */
    public ClientCall invoke(final int requestLength)
    {
        return invoke(requestLength, connection.callTimeoutNs, TimeUnit.NANOSECONDS);
    }

    public ClientCall invoke(final int requestLength, final long timeout, final TimeUnit unit)
    {
        start(requestLength);
        connection.send(this);
        // Read the clock while the request is on its way.
        deadlineNs = System.nanoTime() + unit.toNanos(timeout);
        await();
        if (state == FAILED)
        {
            throw failure;
        }
        return this;
    }

    /**
     * Start the call and return at once; {@code callback} runs when it completes.
     */
    public void invokeAsync(final int requestLength, final CallCallback callback)
    {
        invokeAsync(requestLength, connection.callTimeoutNs, TimeUnit.NANOSECONDS, callback);
    }

    /**
     * Start the call with a deadline of its own and return at once; {@code callback} runs when it
     * completes, with {@link Status#DEADLINE_EXCEEDED} if no reply came within {@code timeout}.
     */
    public void invokeAsync(final int requestLength, final long timeout, final TimeUnit unit, final CallCallback callback)
    {
        start(requestLength);
        this.callback = callback;
        connection.send(this);
        deadlineNs = System.nanoTime() + unit.toNanos(timeout);
        connection.watchAsync(this);
    }

    /**
     * Start the call and return a future of its completion (allocates; for the zero-allocation
     * path use {@link #invokeAsync(int, CallCallback)}).
     */
    public CompletableFuture<ClientCall> invokeAsync(final int requestLength)
    {
        final CompletableFuture<ClientCall> f = new CompletableFuture<>();
        start(requestLength);
        this.future = f;
        connection.send(this);
        deadlineNs = System.nanoTime() + connection.callTimeoutNs;
        connection.watchAsync(this);
        return f;
    }

    /** True when the last call completed, successfully or not. */
    public boolean isDone()
    {
        final int s = state;
        return s == DONE || s == FAILED;
    }

    /**
     * Return the slot to the connection. A call still in flight is failed first.
     */
    @Override
    public void close()
    {
        connection.release(this);
    }

    /** Check and prepare; the caller sets the deadline once the request is sent. */
    private void start(final int length)
    {
        if (state == IN_FLIGHT)
        {
            throw new IllegalStateException("call on slot " + slot + " is already in flight");
        }
        if (!checkedOut)
        {
            throw new IllegalStateException("call on slot " + slot + " was closed; take a new one with newCall()");
        }
        if (length < 0 || length > bufferSize)
        {
            throw new RpcException(Status.REQUEST_TOO_LARGE, "request of " + length + " bytes does not fit the connection's " +
                bufferSize + "-byte buffer (set ConnectOptions.bufferSize)");
        }
        connection.prepareProtection(this, length);
        requestLength = length;
        callback = null;
        future = null;
        failure = null;
        replyLength = 0;
        reply.wrap(replyAddress, 0);
    }

    /**
     * Poll for the reply, waiting between polls as the process's idle level says (spin, sleep, or
     * park while the poller watches), until the deadline.
     */
    private void await()
    {
        if (connection.parksWhileWaiting())
        {
            parkUntilDone();
            return;
        }
        final AdaptiveIdleStrategy idle = this.idle;
        if (wokeServer)
        {
            wokeServer = false;
            idle.skipSpinOnce();
        }
        idle.reset();
        int polls = 0;
        while (!connection.poll(this))
        {
            if ((++polls & 63) == 0 && System.nanoTime() - deadlineNs > 0)
            {
                timeout();
                return;
            }
            idle.idle(deadlineNs);
        }
    }

    private void parkUntilDone()
    {
        waiter = Thread.currentThread();
        while (state == IN_FLIGHT && !connection.poll(this))
        {
            final long left = deadlineNs - System.nanoTime();
            if (left <= 0)
            {
                timeout();
                break;
            }
            LockSupport.parkNanos(this, Math.min(left, 10_000_000L));
        }
        waiter = null;
    }

    private void timeout()
    {
        if (fail(new RpcException(Status.DEADLINE_EXCEEDED, "no reply from " + connection.channelName() +
            " for function " + functionId + " within the deadline")))
        {
            stale = connection.transport() == Transport.SHARED_MEMORY;
            staleSinceNs = System.nanoTime();
        }
    }

    /**
     * Called on the poller for asynchronous calls and handed-off waits.
     */
    @Override
    public boolean pollReady()
    {
        if (state != IN_FLIGHT || connection.poll(this))
        {
            wake();
            return true;
        }
        if (System.nanoTime() - deadlineNs > 0)
        {
            timeout();
            wake();
            return true;
        }
        return false;
    }

    private void wake()
    {
        final Thread t = waiter;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    /**
     * Complete with a reply of {@code length} bytes at the reply address.
     *
     * @return false if the call had already completed.
     */
    boolean succeed(final int length)
    {
        return succeed(replyAddress, length);
    }

    /**
     * Complete with a reply of {@code length} bytes at {@code address}: the reply buffer, or the
     * slot's response line for a reply that came inline.
     *
     * @return false if the call had already completed.
     */
    boolean succeed(final long address, final int length)
    {
        // What to notify is read before the state changes: once it does, the caller may start the next call.
        final CallCallback cb = callback;
        final CompletableFuture<ClientCall> f = future;
        final long seal = sealId;
        replyLength = length;
        reply.wrap(address, length);
        if (!STATE.compareAndSet(this, IN_FLIGHT, DONE))
        {
            return false;
        }
        notifyCompletion(null, cb, f, seal);
        return true;
    }

    boolean fail(final RpcException e)
    {
        final CallCallback cb = callback;
        final CompletableFuture<ClientCall> f = future;
        final long seal = sealId;
        failure = e;
        if (!STATE.compareAndSet(this, IN_FLIGHT, FAILED))
        {
            return false;
        }
        connection.rpcool.counterSet().callFailed(e.status());
        notifyCompletion(e, cb, f, seal);
        return true;
    }

    /**
     * Complete from a status and message sent by the server.
     */
    boolean failRemote(final Status status, final int messageLength)
    {
        final byte[] bytes = new byte[Math.min(messageLength, bufferSize)];
        new UnsafeBuffer(replyAddress, bufferSize).getBytes(0, bytes);
        return fail(new RpcException(status, connection.channelName() + ": " + new String(bytes, StandardCharsets.UTF_8)));
    }

    /**
     * @param error null if the call succeeded.
     */
    private void notifyCompletion(
        final RpcException error, final CallCallback cb, final CompletableFuture<ClientCall> f, final long seal)
    {
        if (seal != 0)
        {
            connection.sealedCallEnded(this, seal);
        }
        wake();
        if (cb != null)
        {
            if (error == null)
            {
                cb.onReply(this);
            }
            else
            {
                cb.onError(this, error);
            }
        }
        else if (f != null)
        {
            if (error == null)
            {
                f.complete(this);
            }
            else
            {
                f.completeExceptionally(error);
            }
        }
    }

    void markInFlight(final long callId)
    {
        this.callId = callId;
        // An ordered store: only this thread polls a synchronous call, and the poller learns of
        // an asynchronous one through its watch queue, after this store.
        STATE.lazySet(this, IN_FLIGHT);
    }
}
