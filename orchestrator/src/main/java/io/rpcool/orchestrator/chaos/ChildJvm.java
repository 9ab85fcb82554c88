package io.rpcool.orchestrator.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.rpcool.orchestrator.JavaCommand;

/**
 * A JVM the chaos run starts with its own class path: its {@code READY} line, its latest
 * {@code STATS} and {@code FINAL} lines are kept; other lines are echoed with its name.
 */
final class ChildJvm
{
    final String name;
    final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    volatile String stats;
    volatile String fin;

    private ChildJvm(final String name, final Process process, final boolean quiet)
    {
        this.name = name;
        this.process = process;
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    if (line.startsWith("READY"))
                    {
                        ready.countDown();
                    }
                    else if (line.startsWith("STATS "))
                    {
                        stats = line.substring(6);
                    }
                    else if (line.startsWith("FINAL "))
                    {
                        fin = line.substring(6);
                        finished.countDown();
                    }
                    else if (!quiet)
                    {
                        System.out.println("  [" + name + "] " + line);
                    }
                }
            }
            catch (final IOException e)
            {
                // ended
            }
            finished.countDown();
        }, "chaos-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(final String name, final Class<?> main, final List<String> properties, final String... args)
    {
        final List<String> command = JavaCommand.of(
            List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), properties, main, args);
        try
        {
            return new ChildJvm(name, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start(), false);
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    ChildJvm awaitReady(final long timeoutMs) throws InterruptedException
    {
        if (!ready.await(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new IllegalStateException(name + " did not start within " + timeoutMs + " ms" +
                (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
        }
        return this;
    }

    void send(final String command)
    {
        try
        {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }
        catch (final IOException e)
        {
            // gone
        }
    }

    /** Wait for the FINAL line (or the end of the process). */
    String awaitFinal(final long timeoutMs) throws InterruptedException
    {
        finished.await(timeoutMs, TimeUnit.MILLISECONDS);
        return fin;
    }

    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
