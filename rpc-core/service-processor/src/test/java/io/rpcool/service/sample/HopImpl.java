package io.rpcool.service.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.rpcool.RpcException;
import io.rpcool.Status;
import io.rpcool.service.ServiceContext;

/** A hop that forwards to {@code next}, or the last hop if it is null. */
public final class HopImpl implements Hop
{
    private final Hop next;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger expired = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger notSent = new AtomicInteger();

    public HopImpl(final Hop next)
    {
        this.next = next;
    }

    @Override
    public List<Long> relay(final long sleepMs)
    {
        served.incrementAndGet();
        final long remaining = ServiceContext.current().remainingNanos();
        final List<Long> seen = new ArrayList<>();
        seen.add(remaining);
        if (next != null)
        {
            try
            {
                seen.addAll(next.relay(sleepMs));
            }
            catch (final RpcException e)
            {
                if (e.status() == Status.DEADLINE_EXCEEDED)
                {
                    // Past the deadline a further call downstream must not even be sent.
                    try
                    {
                        next.relay(0);
                    }
                    catch (final RpcException again)
                    {
                        if (again.status() == Status.DEADLINE_EXCEEDED && again.getMessage().contains("was not sent"))
                        {
                            notSent.incrementAndGet();
                        }
                    }
                }
                throw e;
            }
            return seen;
        }
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sleepMs);
        while (System.nanoTime() < end)
        {
            if (ServiceContext.current().isExpired())
            {
                expired.incrementAndGet();
                ServiceContext.current().checkDeadline();
            }
            try
            {
                Thread.sleep(2);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        finished.incrementAndGet();
        return seen;
    }

    @Override
    public HopStats stats()
    {
        return new HopStats(served.get(), expired.get(), finished.get(), notSent.get());
    }
}
