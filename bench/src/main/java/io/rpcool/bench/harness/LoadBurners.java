package io.rpcool.bench.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Busy processes that compete with a benchmark for the cores: each is {@code sh -c 'while :; do :; done'},
 * started here and killed (SIGKILL, then reaped) by {@link #close()}, or by a shutdown hook if the
 * benchmark's JVM is stopped first, so that none outlives the run.
 */
public final class LoadBurners implements AutoCloseable
{
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "load-burners-kill");

    /**
     * @param count busy processes to start; 0 starts none.
     */
    public LoadBurners(final int count)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("load must not be negative: " + count);
        }
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            for (int i = 0; i < count; i++)
            {
                processes.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
            }
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            close();
            throw new IllegalStateException("could not start " + count + " busy processes", ex);
        }
    }

    /** Process ids of the busy processes. */
    public List<Long> pids()
    {
        return processes.stream().map(Process::pid).toList();
    }

    private synchronized void killAll()
    {
        for (final Process p : processes)
        {
            p.destroyForcibly();
        }
        for (final Process p : processes)
        {
            try
            {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close()
    {
        killAll();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignored)
        {
            // the JVM is shutting down: the hook runs anyway
        }
    }
}
