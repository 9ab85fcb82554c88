package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.CLOSE_CONNECTION;
import static io.rpcool.daemon.ControlProtocol.DETACH;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.rpcool.daemon.DaemonClient;
import io.rpcool.nativeio.SharedMemory;

/**
 * Closes the server ends of connections: an end leaves its channel at once, but its heap is
 * unmapped only when no handler thread, and not the completion poller, can still be reading it.
 * Owned by the {@link ClientConductor}, whose thread calls every method but {@link #now}.
 */
final class ServerEndCloser
{
    private static final long QUIET_DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    private final Rpcool rpcool;
    private final DaemonClient daemon;
    private final RpcoolCounters counters;
    private final DataHeapRegistry heaps;
    private final List<ClosingEnd> closing = new ArrayList<>();

    ServerEndCloser(final Rpcool rpcool, final DaemonClient daemon, final RpcoolCounters counters,
        final DataHeapRegistry heaps)
    {
        this.rpcool = rpcool;
        this.daemon = daemon;
        this.counters = counters;
        this.heaps = heaps;
    }

    /** Detach {@code end} from its channel now; unmap it on a later {@link #finish}. */
    void later(final ShmServerEnd end, final boolean notifyPeer)
    {
        final long[] rounds = end.channel.detachEnd(end);
        closing.add(new ClosingEnd(end, rounds, rpcool.waitControl().pollerScans(), notifyPeer,
            System.nanoTime() + QUIET_DEADLINE_NS));
    }

    /** Detach and unmap {@code end} before returning, waiting for the channel's handler threads. */
    void now(final ShmServerEnd end, final boolean notifyPeer)
    {
        if (!end.channel.removeEnd(end))
        {
            counters.onError("closing connection " + end.connectionId, new IllegalStateException(
                "a handler thread did not finish its round within 10 s; the heap stays mapped"));
            return;
        }
        unmap(end, notifyPeer);
    }

    /** Unmap the ends no thread can read any more; returns how many were finished. */
    int finish()
    {
        if (closing.isEmpty())
        {
            return 0;
        }
        int done = 0;
        final long now = System.nanoTime();
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            final ClosingEnd c = closing.get(i);
            final boolean quiet = c.end.channel.isPast(c.rounds) && rpcool.waitControl().isPollerPast(c.pollerScans);
            if (quiet || now - c.deadlineNs > 0)
            {
                closing.remove(i);
                done++;
                if (quiet)
                {
                    unmap(c.end, c.notifyPeer);
                }
                else
                {
                    counters.onError("closing connection " + c.end.connectionId, new IllegalStateException(
                        "a handler thread did not finish its round within 10 s; the heap stays mapped"));
                }
            }
        }
        return done;
    }

    /** The instance stops: unmap what can be unmapped safely, leave the rest to process exit. */
    void closeAll()
    {
        for (final ClosingEnd c : closing)
        {
            if (c.end.channel.isPast(c.rounds))
            {
                unmap(c.end, false);
            }
        }
        closing.clear();
    }

    private void unmap(final ShmServerEnd end, final boolean notifyPeer)
    {
        end.closeSeals();
        end.heap.wrap(0, 0);
        MappedHeaps.unmap(end.address);
        heaps.release(HeapOwner.connection(end.connectionId));
        SharedMemory.close(end.clientPidfd);
        if (!daemon.isClosed())
        {
            try
            {
                if (notifyPeer)
                {
                    daemon.requestOrTell(CLOSE_CONNECTION, m -> m.putLong(end.connectionId));
                }
                daemon.requestOrTell(DETACH, m -> m.putLong(end.heapId));
            }
            catch (final RuntimeException e)
            {
                // The daemon reclaims the heap when this process exits.
            }
        }
    }

    /** A server end on its way out: waiting for every handler thread to finish the round that may read it. */
    private record ClosingEnd(ShmServerEnd end, long[] rounds, long pollerScans, boolean notifyPeer, long deadlineNs)
    {
    }
}
