package io.rpcool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The thread application listeners run on (peer failure listeners), started on first use, so a
 * listener that blocks or calls back into the library never holds up the conductor.
 */
final class Callbacks
{
    private final RpcoolCounters counters;
    private ExecutorService executor;
    private boolean closed;

    Callbacks(final RpcoolCounters counters)
    {
        this.counters = counters;
    }

    /** Run {@code task} on the callback thread; a listener that throws is reported, not propagated. */
    void run(final Runnable task)
    {
        final ExecutorService e;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            if (executor == null)
            {
                executor = Executors.newSingleThreadExecutor(r ->
                {
                    final Thread t = new Thread(r, "rpcool-callbacks");
                    t.setDaemon(true);
                    return t;
                });
            }
            e = executor;
        }
        try
        {
            e.execute(() ->
            {
                try
                {
                    task.run();
                }
                catch (final RuntimeException ex)
                {
                    counters.onError("a peer failure listener", ex);
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            // Closing: nobody to tell.
        }
    }

    /** Let listeners already queued finish (up to 5 s), then stop. */
    void close()
    {
        final ExecutorService e;
        synchronized (this)
        {
            closed = true;
            e = executor;
        }
        if (e != null)
        {
            e.shutdown();
            try
            {
                e.awaitTermination(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
