package io.rpcool;

import java.util.concurrent.locks.LockSupport;

import io.rpcool.daemon.IdleLevels;
import io.rpcool.nativeio.SharedMemory;

/**
 * One handler thread of a channel: polls every connection of the channel, one request per
 * connection per round so no client starves another, and waits by the adaptive idle level when
 * there is nothing to do.
 */
final class HandlerAgent implements Runnable, Watchable
{
    private final Channel channel;
    private final Rpcool rpcool;
    private final ServerCall call = new ServerCall();
    final Thread thread;
    volatile boolean running = true;
    /** Rounds completed; a closer waits for it to move so that no round still reads a removed connection. */
    volatile long rounds;
    volatile boolean parked;

    HandlerAgent(final Channel channel, final Rpcool rpcool, final int index)
    {
        this.channel = channel;
        this.rpcool = rpcool;
        this.call.channelName = channel.name();
        this.thread = new Thread(this, "rpcool-handler-" + channel.name() + "-" + index);
        this.thread.setDaemon(true);
    }

    @Override
    public void run()
    {
        SharedMemory.reduceTimerSlack(1000);
        int idle = 0;
        while (running)
        {
            int work = 0;
            final ShmServerEnd[] ends = channel.ends;
            for (final ShmServerEnd end : ends)
            {
                if (!end.closing)
                {
                    try
                    {
                        work += end.poll(call);
                    }
                    catch (final RuntimeException e)
                    {
                        rpcool.reportError("handler loop of " + channel.name() + " connection " + end.connectionId, e);
                    }
                }
            }
            rounds = rounds + 1;
            if (work > 0)
            {
                idle = 0;
                continue;
            }
            idle++;
            final int level = rpcool.idleLevel();
            if (level == IdleLevels.SPIN || idle < 64)
            {
                Thread.onSpinWait();
            }
            else if (level == IdleLevels.SLEEP)
            {
                LockSupport.parkNanos(rpcool.context().sleepNs());
            }
            else
            {
                parked = true;
                rpcool.poller().watch(this);
                LockSupport.parkNanos(this, 50_000_000L);
                parked = false;
            }
        }
    }

    /** On the poller thread, while this agent is parked. */
    @Override
    public boolean pollReady()
    {
        if (!running || !parked)
        {
            LockSupport.unpark(thread);
            return true;
        }
        for (final ShmServerEnd end : channel.ends)
        {
            if (!end.closing && end.hasRequest())
            {
                LockSupport.unpark(thread);
                return true;
            }
        }
        return false;
    }

    /**
     * Wait until this agent cannot be reading a connection removed before the call.
     */
    boolean quiesce()
    {
        if (Thread.currentThread() == thread || !thread.isAlive())
        {
            return true;
        }
        final long start = rounds;
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (rounds < start + 2 && !parked && thread.isAlive())
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
}
