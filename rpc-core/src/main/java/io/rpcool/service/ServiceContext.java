package io.rpcool.service;

import java.util.concurrent.TimeUnit;

import io.rpcool.ReplyStatusException;
import io.rpcool.ServerCall;
import io.rpcool.Status;

/**
 * The typed call a handler thread is serving: its method, its deadline and the raw
 * {@link ServerCall}. {@link #current()} inside a handler; one object per thread, reused for every
 * call, so serving allocates nothing.
 *
 * <p>The deadline comes from the caller: a stub sends the time its call has left, and the server's
 * deadline is that much after the call arrived. Calls a handler makes through stubs on the same
 * thread inherit it: they end no later than the call being served, and once it has passed they fail
 * with {@link Status#DEADLINE_EXCEEDED} without being sent.
 */
public final class ServiceContext
{
    private static final ThreadLocal<ServiceContext> CURRENT = ThreadLocal.withInitial(ServiceContext::new);

    /** The dispatcher's codecs on this thread. */
    final ServiceReader reader = new ServiceReader();
    final ServiceWriter writer = new ServiceWriter();
    /** A view of arguments that spilled into the connection's heap. */
    final org.agrona.concurrent.UnsafeBuffer spilled = new org.agrona.concurrent.UnsafeBuffer(0, 0);
    private ServiceMethod method;
    private ServerCall call;
    private long deadlineNs;
    private boolean active;

    private ServiceContext()
    {
    }

    /**
     * The call this thread is serving.
     *
     * @throws IllegalStateException outside a typed service handler.
     */
    public static ServiceContext current()
    {
        final ServiceContext context = CURRENT.get();
        if (!context.active)
        {
            throw new IllegalStateException("no typed service call is being served on thread " + Thread.currentThread().getName());
        }
        return context;
    }

    /** This thread's context object, active or not (the dispatcher's). */
    static ServiceContext ofThread()
    {
        return CURRENT.get();
    }

    /** The deadline ({@link System#nanoTime()}) of the call this thread serves; {@code Long.MAX_VALUE} if none. */
    static long inheritedDeadlineNs()
    {
        final ServiceContext context = CURRENT.get();
        return context.active ? context.deadlineNs : Long.MAX_VALUE;
    }

    /** The method this thread serves, or null (for messages). */
    static ServiceMethod inheritedMethod()
    {
        final ServiceContext context = CURRENT.get();
        return context.active ? context.method : null;
    }

    boolean isActive()
    {
        return active;
    }

    void enter(final ServiceMethod method, final ServerCall call, final long deadlineNs)
    {
        this.method = method;
        this.call = call;
        this.deadlineNs = deadlineNs;
        this.active = true;
    }

    void exit()
    {
        active = false;
        call = null;
        method = null;
    }

    public ServiceMethod method()
    {
        return method;
    }

    /** The raw call: request and reply buffers, protection, sandbox, connection id. */
    public ServerCall call()
    {
        return call;
    }

    /** The call's deadline in {@link System#nanoTime()} time. */
    public long deadlineNanoTime()
    {
        return deadlineNs;
    }

    /** Time left until the deadline (ns); zero or less once it has passed. */
    public long remainingNanos()
    {
        return deadlineNs - System.nanoTime();
    }

    public long remaining(final TimeUnit unit)
    {
        return unit.convert(remainingNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isExpired()
    {
        return remainingNanos() <= 0;
    }

    /**
     * Give up if the deadline has passed: the caller gets {@link Status#DEADLINE_EXCEEDED}. For long
     * handlers to call between steps.
     */
    public void checkDeadline()
    {
        if (isExpired())
        {
            throw expired(method, "while it was served");
        }
    }

    static ReplyStatusException expired(final ServiceMethod method, final String when)
    {
        return new ReplyStatusException(Status.DEADLINE_EXCEEDED, "the deadline of " + method + " passed " + when);
    }
}
