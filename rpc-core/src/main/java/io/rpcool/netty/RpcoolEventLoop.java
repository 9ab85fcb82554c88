package io.rpcool.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;

import io.rpcool.Rpcool;
import io.rpcool.idle.AdaptiveIdleStrategy;

/**
 * One loop thread: Netty's tasks, then one poll of every registered {@link Pollable} (channels' rings,
 * pipes waiting for their client before they are freed), then the adaptive wait if neither did any
 * work. The wait spins or sleeps a few microseconds (never the hand-off mode, whose polling thread
 * would read rings this loop may be unmapping); a task submitted from another thread unparks it.
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

    RpcoolEventLoop(final EventLoopGroup parent, final Executor executor, final Rpcool rpcool)
    {
        super(parent, executor, false);
        this.rpcool = rpcool;
        this.idle = rpcool.newIdleStrategy();
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
                idle.idle();
            }
            else
            {
                idle.reset();
            }
        }
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
        }
    }
}
