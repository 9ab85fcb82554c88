package io.rpcool;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

import io.rpcool.idle.AdaptiveIdleStrategy;
import io.rpcool.idle.Sleeper;
import io.rpcool.idle.Watchable;
import io.rpcool.nativeio.Futex;
import io.rpcool.nativeio.SharedMemory;

/**
 * One handler thread of a channel, as an Agrona {@link Agent}: each duty cycle polls every
 * connection of the channel, one request per connection so no client starves another, and the
 * {@link AdaptiveIdleStrategy} decides how to wait when a cycle found nothing. Serving a single
 * connection, it ends a wait in {@code futex(2)} on the connection's request queue, woken by the
 * client that publishes a request ({@link Sleeper}); serving several, it parks on timers or hands
 * its wait to the poller.
 */
final class HandlerAgent implements Agent, Watchable, Sleeper
{
    private final Channel channel;
    private final Rpcool rpcool;
    final ServerCall call = new ServerCall();
    private final String roleName;
    private final AdaptiveIdleStrategy idle;
    final AgentRunner runner;
    private static final java.util.concurrent.atomic.AtomicLongFieldUpdater<HandlerAgent> ROUNDS =
        java.util.concurrent.atomic.AtomicLongFieldUpdater.newUpdater(HandlerAgent.class, "rounds");
    /**
     * Duty cycles completed (an ordered store per cycle, no fence); a closer waits for it to move so
     * that no cycle still reads a removed connection.
     */
    volatile long rounds;
    /**
     * The thread running this agent, kept here because {@link AgentRunner#thread()} answers a
     * never-started placeholder as soon as {@link AgentRunner#close()} begins, while the agent may
     * still be finishing a duty cycle over a connection being removed.
     */
    private volatile Thread thread;
    private final Futex.Timespec timespec;
    /** The connections the agent went to sleep over; it wakes when they change. */
    private ShmServerEnd[] sleepingOver;
    private ShmServerEnd sleepingOn;
    private final java.util.function.BooleanSupplier keepSleeping = this::keepSleeping;
    private volatile boolean stopping;
    /** Time slice a handler thread asks for, so that it preempts busy threads when woken. */
    static final long SHORT_SLICE_NS = 100_000;

    HandlerAgent(final Channel channel, final Rpcool rpcool, final int index)
    {
        this.channel = channel;
        this.rpcool = rpcool;
        this.call.channelName = channel.name();
        this.roleName = "rpcool-handler-" + channel.name() + "-" + index;
        this.timespec = rpcool.waitControl().futex() ? new Futex.Timespec() : null;
        this.idle = new AdaptiveIdleStrategy(rpcool.waitControl(), this, this);
        this.runner = new AgentRunner(idle, t -> rpcool.reportError(roleName, t), null, this);
    }

    void start()
    {
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread t = new Thread(r, roleName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
        SharedMemory.reduceTimerSlack(1000);
        if (timespec != null)
        {
            Futex.requestShortSlice(SHORT_SLICE_NS);
        }
    }

    @Override
    public int doWork()
    {
        int work = 0;
        call.wokeClient = false;
        for (final ShmServerEnd end : channel.ends)
        {
            if (!end.closing)
            {
                try
                {
                    work += end.poll(call);
                }
                catch (final RuntimeException e)
                {
                    rpcool.reportError(roleName + " connection " + end.connectionId, e);
                }
            }
        }
        ROUNDS.lazySet(this, rounds + 1);
        if (call.wokeClient)
        {
            idle.skipSpinOnce();
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /** On the polling thread, while this agent is parked in hand-off mode: is there work? */
    @Override
    public boolean pollReady()
    {
        if (runner.isClosed())
        {
            return true;
        }
        for (final ShmServerEnd end : channel.ends)
        {
            if (!end.closing && end.hasRequest())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Sleep on the one connection's doorbell. While the agent sleeps it is not parked for
     * {@link #isPast(long)}: it touches the queue when it wakes, so a closer waits for its next cycle
     * (and wakes it first, {@link ShmServerEnd#wakeHandlers()}).
     */
    @Override
    public boolean sleep(final long timeoutNs)
    {
        final ShmServerEnd[] ends = channel.ends;
        if (ends.length != 1 || ends[0].closing || stopping)
        {
            return false;
        }
        sleepingOver = ends;
        sleepingOn = ends[0];
        if (sleepingOn.sleep(timeoutNs, timespec, keepSleeping))
        {
            rpcool.counterSet().futexSleeps.increment();
        }
        sleepingOver = null;
        sleepingOn = null;
        return true;
    }

    /** After the agent counted itself a sleeper: nothing it sleeps over has changed. */
    private boolean keepSleeping()
    {
        return channel.ends == sleepingOver && !sleepingOn.closing && !stopping;
    }

    /** Duty cycles completed so far: a token for {@link #isPast(long)}. */
    long rounds()
    {
        return rounds;
    }

    /**
     * True once this agent cannot be reading a connection removed before {@code rounds} was taken:
     * it finished a cycle begun after it, or it is parked or gone.
     */
    boolean isPast(final long roundsThen)
    {
        final Thread thread = this.thread;
        return thread == null || Thread.currentThread() == thread || !thread.isAlive() ||
            rounds >= roundsThen + 2 || idle.isParked();
    }

    /**
     * Wait until this agent cannot be reading a connection removed before the call.
     *
     * @return false if it did not finish a cycle within 10 s (a handler blocked that long).
     */
    boolean quiesce()
    {
        final Thread thread = this.thread;
        if (thread == null || Thread.currentThread() == thread || !thread.isAlive())
        {
            return true;
        }
        final long start = rounds;
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (rounds < start + 2 && !idle.isParked() && thread.isAlive())
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            LockSupport.unpark(thread);
            Thread.yield();
        }
        return true;
    }

    void stop()
    {
        stopping = true;
        for (final ShmServerEnd end : channel.ends)
        {
            end.wakeHandlers();
        }
        final Thread thread = runner.thread();
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
        runner.close();
    }
}
