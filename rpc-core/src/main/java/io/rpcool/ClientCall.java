package io.rpcool;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.daemon.IdleLevels;

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
    final UnsafeBuffer request;
    final UnsafeBuffer reply = new UnsafeBuffer(0, 0);
    final long replyAddress;
    final int bufferSize;
    int functionId;
    long callId;
    int requestLength;
    int replyLength;
    long deadlineNs;
    volatile int state = IDLE;
    /** Set when a call timed out while the server may still write its slot; it is reused only after the late reply. */
    boolean stale;
    boolean checkedOut;
    RpcException failure;
    CallCallback callback;
    CompletableFuture<ClientCall> future;
    volatile Thread waiter;

    ClientCall(final Connection connection, final int slot, final long requestAddress, final long replyAddress, final int bufferSize)
    {
        this.connection = connection;
        this.slot = slot;
        this.request = new UnsafeBuffer(requestAddress, bufferSize);
        this.replyAddress = replyAddress;
        this.bufferSize = bufferSize;
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

    /** The request buffer; capacity is the connection's buffer size. */
    public MutableDirectBuffer request()
    {
        return request;
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

    /** The address of the reply buffer. */
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
        start(requestLength, unit.toNanos(timeout));
        connection.send(this);
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
        start(requestLength, connection.callTimeoutNs);
        this.callback = callback;
        connection.send(this);
        connection.watchAsync(this);
    }

    /**
     * Start the call and return a future of its completion (allocates; for the zero-allocation
     * path use {@link #invokeAsync(int, CallCallback)}).
     */
    public CompletableFuture<ClientCall> invokeAsync(final int requestLength)
    {
        final CompletableFuture<ClientCall> f = new CompletableFuture<>();
        start(requestLength, connection.callTimeoutNs);
        this.future = f;
        connection.send(this);
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

    private void start(final int length, final long timeoutNs)
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
        requestLength = length;
        callback = null;
        future = null;
        failure = null;
        replyLength = 0;
        reply.wrap(replyAddress, 0);
        deadlineNs = System.nanoTime() + timeoutNs;
    }

    /**
     * Spin, sleep or hand the wait to the poller, following the idle level.
     */
    private void await()
    {
        final Rpcool rpcool = connection.rpcool;
        if (connection.parksWhileWaiting())
        {
            parkUntilDone();
            return;
        }
        int level = rpcool.idleLevel();
        int polls = 0;
        while (state == IN_FLIGHT)
        {
            if (connection.poll(this))
            {
                return;
            }
            if ((++polls & 255) == 0)
            {
                level = rpcool.idleLevel();
                if (System.nanoTime() - deadlineNs > 0)
                {
                    timeout();
                    return;
                }
            }
            if (level == IdleLevels.SPIN)
            {
                Thread.onSpinWait();
            }
            else if (level == IdleLevels.SLEEP)
            {
                LockSupport.parkNanos(rpcool.context().sleepNs());
            }
            else
            {
                waiter = Thread.currentThread();
                rpcool.poller().watch(this);
                while (state == IN_FLIGHT)
                {
                    final long left = deadlineNs - System.nanoTime();
                    if (left <= 0)
                    {
                        timeout();
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
                waiter = null;
                return;
            }
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
        replyLength = length;
        reply.wrap(replyAddress, length);
        if (!STATE.compareAndSet(this, IN_FLIGHT, DONE))
        {
            return false;
        }
        notifyCompletion();
        return true;
    }

    boolean fail(final RpcException e)
    {
        failure = e;
        if (!STATE.compareAndSet(this, IN_FLIGHT, FAILED))
        {
            return false;
        }
        notifyCompletion();
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

    private void notifyCompletion()
    {
        wake();
        final CallCallback cb = callback;
        final CompletableFuture<ClientCall> f = future;
        if (cb != null)
        {
            if (state == DONE)
            {
                cb.onReply(this);
            }
            else
            {
                cb.onError(this, failure);
            }
        }
        else if (f != null)
        {
            if (state == DONE)
            {
                f.complete(this);
            }
            else
            {
                f.completeExceptionally(failure);
            }
        }
    }

    void markInFlight(final long callId)
    {
        this.callId = callId;
        state = IN_FLIGHT;
    }
}
