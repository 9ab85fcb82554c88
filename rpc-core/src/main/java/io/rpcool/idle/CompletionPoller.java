package io.rpcool.idle;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import io.rpcool.nativeio.SharedMemory;

/**
 * The dedicated polling thread of a process, as an Agrona {@link Agent}. It completes
 * asynchronous calls (invoking their callbacks) and, when the host is loaded, polls on behalf of
 * parked threads so that one thread spins instead of many (the hand-off mode of the adaptive
 * wait). With nothing to watch it parks until something is registered.
 */
public final class CompletionPoller implements Agent
{
    private static final long EMPTY_PARK_NS = 100_000_000L;

    private static final AtomicLongFieldUpdater<CompletionPoller> SCANS =
        AtomicLongFieldUpdater.newUpdater(CompletionPoller.class, "scans");
    private static final AtomicLongFieldUpdater<CompletionPoller> WATCHES =
        AtomicLongFieldUpdater.newUpdater(CompletionPoller.class, "watches");

    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<Watchable> registrations = new ManyToOneConcurrentArrayQueue<>(1 << 16);
    private final ArrayList<Watchable> watched = new ArrayList<>(1024);
    private final AdaptiveIdleStrategy busyIdle;
    private final AgentRunner runner;
    /** Scans completed, an ordered store per scan (no fence); {@link #quiesce()} waits for it to move. */
    private volatile long scans;
    /** The polling thread itself: {@link AgentRunner#thread()} turns into a placeholder once closing begins. */
    private volatile Thread thread;
    private volatile boolean parked;

    CompletionPoller(final WaitControl control, final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.busyIdle = new AdaptiveIdleStrategy(control, null);
        this.runner = new AgentRunner(new PollerIdle(), errorHandler, null, this);
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread t = new Thread(r, "rpcool-poller");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Waits handed to this thread (asynchronous calls, threads parked in the hand-off mode), counted
     * by this thread as it takes them in, so that the callers' path stays free of it.
     */
    volatile long watches;

    /** Waits handed to this thread so far. */
    public long watches()
    {
        return watches;
    }

    /**
     * Watch {@code w} until its {@link Watchable#pollReady()} returns true.
     */
    public void watch(final Watchable w)
    {
        while (!registrations.offer(w))
        {
            Thread.onSpinWait();
        }
        if (parked)
        {
            LockSupport.unpark(runner.thread());
        }
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
        SharedMemory.reduceTimerSlack(1000);
    }

    @Override
    public int doWork()
    {
        final int added = registrations.drainTo(watched, Integer.MAX_VALUE);
        if (added > 0)
        {
            WATCHES.lazySet(this, watches + added);
        }
        int completed = 0;
        for (int i = watched.size() - 1; i >= 0; i--)
        {
            final Watchable w = watched.get(i);
            boolean ready;
            try
            {
                ready = w.pollReady();
            }
            catch (final Throwable t)
            {
                ready = true;
                errorHandler.onError(t);
            }
            if (ready)
            {
                final int last = watched.size() - 1;
                watched.set(i, watched.get(last));
                watched.remove(last);
                completed++;
            }
        }
        SCANS.lazySet(this, scans + 1);
        return completed;
    }

    @Override
    public String roleName()
    {
        return "rpcool-poller";
    }

    /** Waits by the adaptive level while it watches something, parks while it watches nothing. */
    private final class PollerIdle implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            if (workCount > 0)
            {
                reset();
            }
            else
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            if (watched.isEmpty())
            {
                parked = true;
                if (registrations.isEmpty())
                {
                    LockSupport.parkNanos(EMPTY_PARK_NS);
                }
                parked = false;
            }
            else
            {
                busyIdle.idle();
            }
        }

        @Override
        public void reset()
        {
            busyIdle.reset();
        }
    }

    /** Scans completed so far: a token for {@link #isPast(long)}. */
    public long scans()
    {
        return scans;
    }

    /** True once nothing the poller read before {@code scansThen} was taken can still be in use. */
    public boolean isPast(final long scansThen)
    {
        final Thread thread = this.thread;
        return thread == null || Thread.currentThread() == thread || !thread.isAlive() || scans >= scansThen + 2 || parked;
    }

    /**
     * Wait until the poller has finished one full scan started after this call, so that nothing it
     * read before the call is still in use.
     *
     * @return false if it did not within 10 s.
     */
    public boolean quiesce()
    {
        final Thread thread = this.thread;
        if (thread == null || Thread.currentThread() == thread || !thread.isAlive())
        {
            return true;
        }
        final long start = scans;
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (scans < start + 2 && !parked && thread.isAlive())
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

    public void close()
    {
        final Thread thread = runner.thread();
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
        runner.close();
    }
}
