package io.rpcool.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;

import io.rpcool.Rpcool;
import io.rpcool.config.Setting;
import io.rpcool.idle.AdaptiveIdleStrategy;
import io.rpcool.nativeio.Futex;

/**
 * One loop thread: Netty's tasks, then one poll of every registered {@link Pollable} (channels' rings,
 * pipes waiting for their client before they are freed), then the adaptive wait if neither did any
 * work. The wait spins or sleeps a few microseconds (never the hand-off mode, whose polling thread
 * would read rings this loop may be unmapping) for {@code rpcool.idle.spinNs}; after that the loop
 * sleeps until the next scheduled task, at most {@code rpcool.netty.maxSleepMs} (default 50; off with
 * {@code rpcool.netty.doorbell=false}):
 * <ul>
 * <li>serving one socket channel: in {@code futex(2)} on that pipe's doorbell, which the peer rings
 *     when it publishes ({@link PipeDescriptor}) and {@link #wakeup} rings for a submitted task;</li>
 * <li>serving no socket channel: parked, unparked by {@link #wakeup};</li>
 * <li>serving several: it keeps the adaptive wait (a write into another pipe would not wake it).</li>
 * </ul>
 */
final class RpcoolEventLoop extends SingleThreadEventLoop
{
    /** Something the loop polls once per turn; returns the work it did, and is removed once it says so. */
    interface Pollable
    {
        /** @return work done (0 if none), or {@link #DONE} to be dropped. */
        int poll();

        int DONE = -1;
    }

    private final Rpcool rpcool;
    private final List<Pollable> pollables = new ArrayList<>();
    private final AdaptiveIdleStrategy idle;
    private volatile Thread loopThread;
    private final boolean doorbell;
    private final boolean futex;
    private final long spinNs;
    private final long maxSleepNs;
    private final Futex.Timespec timespec = new Futex.Timespec();
    /** Guards {@link #sleepingBell} between the loop and threads that wake it. */
    private final Object wakeLock = new Object();
    /** The doorbell the loop sleeps on now, 0 if none (guarded by {@link #wakeLock}). */
    private long sleepingBell;
    private long idleSinceNs;
    /** Futex sleeps begun, and those that ended woken rather than timed out (or found the word moved). */
    private volatile long futexSleeps;
    private volatile long futexWakeups;
    private volatile long timedParks;

    RpcoolEventLoop(final EventLoopGroup parent, final Executor executor, final Rpcool rpcool)
    {
        super(parent, executor, false);
        this.rpcool = rpcool;
        this.idle = rpcool.newIdleStrategy();
        this.futex = Futex.isAvailable() && rpcool.context().futex();
        this.spinNs = rpcool.context().spinNs();
        this.doorbell = Setting.NETTY_DOORBELL.booleanValue();
        this.maxSleepNs = TimeUnit.MILLISECONDS.toNanos(Setting.NETTY_MAX_SLEEP_MS.longValue());
    }

    long futexSleeps()
    {
        return futexSleeps;
    }

    long futexWakeups()
    {
        return futexWakeups;
    }

    long timedParks()
    {
        return timedParks;
    }

    Rpcool rpcool()
    {
        return rpcool;
    }

    /** Loop thread only. */
    void add(final Pollable pollable)
    {
        pollables.add(pollable);
    }

    /** Loop thread only. */
    void remove(final Pollable pollable)
    {
        pollables.remove(pollable);
    }

    @Override
    protected void run()
    {
        loopThread = Thread.currentThread();
        while (true)
        {
            int work = runAllTasks() ? 1 : 0;
            for (int i = pollables.size() - 1; i >= 0; i--)
            {
                if (i >= pollables.size())
                {
                    continue;
                }
                final int done = pollables.get(i).poll();
                if (done == Pollable.DONE)
                {
                    pollables.remove(i);
                    work++;
                }
                else
                {
                    work += done;
                }
            }
            if (isShuttingDown())
            {
                closeAll();
                if (confirmShutdown())
                {
                    break;
                }
            }
            if (work == 0 && !hasTasks())
            {
                final long now = System.nanoTime();
                if (idleSinceNs == 0)
                {
                    idleSinceNs = now;
                }
                if (now - idleSinceNs < spinNs || !doorbell || !sleep(now))
                {
                    idle.idle();
                }
            }
            else
            {
                idleSinceNs = 0;
                idle.reset();
            }
        }
    }

    /**
     * Sleep once, until woken or the next scheduled task, at most {@code maxSleepNs}.
     *
     * @return false if this loop cannot sleep now (it serves several pipes).
     */
    private boolean sleep(final long now)
    {
        Pipe only = null;
        RpcoolSocketChannel channel = null;
        for (int i = 0, n = pollables.size(); i < n; i++)
        {
            final Pollable p = pollables.get(i);
            if (p instanceof RpcoolSocketChannel && ((RpcoolSocketChannel)p).pipe() != null)
            {
                if (only != null)
                {
                    return false;
                }
                channel = (RpcoolSocketChannel)p;
                only = channel.pipe();
            }
        }
        final long timeoutNs = hasScheduledTasks() ? Math.min(maxSleepNs, delayNanos(now)) : maxSleepNs;
        if (timeoutNs <= 0 || isShuttingDown())
        {
            return true;
        }
        if (only == null)
        {
            timedParks++;
            LockSupport.parkNanos(this, timeoutNs);
            return true;
        }
        if (!futex)
        {
            return false;
        }
        final int seen = only.ownSequence();
        synchronized (wakeLock)
        {
            sleepingBell = only.ownBell;
        }
        only.sleeping(true, channel.writePending());
        if (!hasTasks() && !channel.ready())
        {
            futexSleeps++;
            if (Futex.await(only.ownBell, seen, timeoutNs, timespec) == 0)
            {
                futexWakeups++;
            }
        }
        only.sleeping(false, false);
        synchronized (wakeLock)
        {
            sleepingBell = 0;
        }
        return true;
    }

    private void closeAll()
    {
        for (final Pollable p : new ArrayList<>(pollables))
        {
            if (p instanceof io.netty.channel.Channel)
            {
                final io.netty.channel.Channel ch = (io.netty.channel.Channel)p;
                ch.unsafe().close(ch.voidPromise());
            }
        }
    }

    @Override
    protected void wakeup(final boolean inEventLoop)
    {
        final Thread t = loopThread;
        if (!inEventLoop && t != null)
        {
            LockSupport.unpark(t);
            synchronized (wakeLock)
            {
                // Under the lock: the loop clears the address before it may close (and free) the pipe.
                if (sleepingBell != 0)
                {
                    Pipe.ring(sleepingBell);
                }
            }
        }
    }
}
