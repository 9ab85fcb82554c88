package io.rpcool.service.sample;

import java.util.List;

import io.rpcool.service.RpcService;

/** One hop of a call chain (A calls B calls C): each hop reports the time it had left. */
@RpcService(name = "test.Hop")
public interface Hop
{
    /** What a hop counted: calls served, calls it gave up at their deadline, calls it refused to send downstream. */
    record HopStats(int served, int expired, int finished, int notSent)
    {
    }

    /**
     * Every hop adds the time it had left when its handler started (ns) and calls the next; the last hop
     * sleeps {@code sleepMs}, checking its deadline.
     */
    List<Long> relay(long sleepMs);

    HopStats stats();
}
