package io.rpcool;

import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import io.rpcool.daemon.IdleLevels;
import io.rpcool.nativeio.SharedMemory;

/**
 * The dedicated polling thread of a process. It completes asynchronous calls (invoking their
 * callbacks) and, when the host is loaded, polls on behalf of parked threads so that one thread
 * spins instead of many (the hand-off mode of the adaptive wait). Parks when it watches nothing.
 */
final class CompletionPoller implements Runnable
{
    private final Rpcool rpcool;
    private final ManyToOneConcurrentArrayQueue<Watchable> registrations = new ManyToOneConcurrentArrayQueue<>(1 << 16);
    private final ArrayList<Watchable> watched = new ArrayList<>(1024);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long scans;
    private volatile boolean parked;

    CompletionPoller(final Rpcool rpcool)
    {
        this.rpcool = rpcool;
        this.thread = new Thread(this, "rpcool-poller");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Watch {@code w} until its {@link Watchable#pollReady()} returns true.
     */
    void watch(final Watchable w)
    {
        while (!registrations.offer(w))
        {
            Thread.onSpinWait();
        }
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run()
    {
        SharedMemory.reduceTimerSlack(1000);
        while (running)
        {
            registrations.drainTo(watched, Integer.MAX_VALUE);
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
                    rpcool.reportError("completion callback failed", t);
                }
                if (ready)
                {
                    final int last = watched.size() - 1;
                    watched.set(i, watched.get(last));
                    watched.remove(last);
                    completed++;
                }
            }
            scans = scans + 1;
            if (completed > 0)
            {
                continue;
            }
            if (watched.isEmpty())
            {
                parked = true;
                if (registrations.isEmpty() && running)
                {
                    LockSupport.parkNanos(100_000_000L);
                }
                parked = false;
            }
            else if (rpcool.idleLevel() == IdleLevels.SPIN)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(rpcool.context().sleepNs());
            }
        }
    }

    /**
     * Wait until the poller has finished one full scan started after this call, so that nothing it
     * read before the call is still in use.
     */
    boolean quiesce()
    {
        if (Thread.currentThread() == thread || !thread.isAlive())
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

    void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(1000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
