package io.rpcool.daemon;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.rpcool.control.ControlPlane;

/**
 * The daemon's side of the cluster's control plane. Control-plane operations block (ZooKeeper
 * round trips, timeouts when it is unreachable), so they never run on the conductor: each runs on
 * this link's one worker thread, in submission order, and its result comes back to the conductor as
 * a command. Messages and failure events the control plane delivers reach the conductor the same way.
 */
final class ClusterLink implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");

    private final ControlPlane control;
    private final Consumer<Runnable> conductor;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r ->
    {
        final Thread t = new Thread(r, "rpcool-daemon-cluster");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param conductor runs a command on the conductor thread.
     */
    ClusterLink(final ControlPlane control, final Consumer<Runnable> conductor)
    {
        this.control = control;
        this.conductor = conductor;
    }

    ControlPlane control()
    {
        return control;
    }

    String hostId()
    {
        return control.hostId();
    }

    /**
     * Run {@code operation} on the worker; {@code then} gets its result or its failure on the
     * conductor thread.
     */
    <T> void call(final Supplier<T> operation, final BiConsumer<T, RuntimeException> then)
    {
        submit(() ->
        {
            T result = null;
            RuntimeException failure = null;
            try
            {
                result = operation.get();
            }
            catch (final RuntimeException e)
            {
                failure = e;
            }
            final T r = result;
            final RuntimeException f = failure;
            conductor.accept(() -> then.accept(r, f));
        });
    }

    /** Run {@code operation} on the worker, logging a failure as {@code what}. */
    void run(final String what, final Runnable operation)
    {
        submit(() ->
        {
            try
            {
                operation.run();
            }
            catch (final RuntimeException e)
            {
                LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: " + what + ": " + e.getMessage());
            }
        });
    }

    /** Send a message to the daemon of {@code host}, in order per destination. */
    void send(final String host, final byte[] message)
    {
        run("cannot reach host " + host, () -> control.send(host, message));
    }

    /** Start delivering the control plane's messages, failure events and fences to the conductor. */
    void start(final BiConsumer<String, byte[]> onMessage, final Consumer<String> onHostFailed, final HostFence fence)
    {
        control.start(new ControlPlane.Listener()
        {
            @Override
            public void onMessage(final String fromHost, final byte[] message)
            {
                conductor.accept(() -> onMessage.accept(fromHost, message));
            }

            @Override
            public void onHostFailed(final String hostId)
            {
                conductor.accept(() -> onHostFailed.accept(hostId));
            }

            @Override
            public void onFenced(final String reason, final long sessionMayExpireAtNs)
            {
                conductor.accept(() -> fence.onFenced(reason, sessionMayExpireAtNs));
            }

            @Override
            public void onRejoined(final boolean newSession)
            {
                conductor.accept(() -> fence.onRejoined(newSession));
            }
        });
    }

    private void submit(final Runnable task)
    {
        try
        {
            worker.execute(task);
        }
        catch (final RejectedExecutionException e)
        {
            // Closing.
        }
    }

    /** Finish what was submitted (briefly), then end this host's session. */
    @Override
    public void close()
    {
        worker.shutdown();
        try
        {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
        control.close();
    }
}
