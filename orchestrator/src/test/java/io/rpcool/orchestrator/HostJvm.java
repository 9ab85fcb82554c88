package io.rpcool.orchestrator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM of the test class path on one emulated host: run directly, or inside the host's
 * network namespace ({@code ip netns exec}). Its stdout is read line by line, its stdin takes
 * commands, and {@link #kill9()} sends SIGKILL to the JVM itself (not to a wrapper).
 */
final class HostJvm implements AutoCloseable
{
    final String name;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final java.util.Set<String> claimed = new java.util.HashSet<>();
    private final OutputStream stdin;

    private HostJvm(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException e)
            {
                // ended
            }
        }, "jvm-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param netns network namespace to run in, or null for this one.
     */
    static HostJvm start(final String name, final String netns, final Class<?> main, final List<String> properties, final String... args)
    {
        final List<String> command = new ArrayList<>();
        if (netns != null)
        {
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        command.addAll(JavaCommand.of(
            List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), properties, main, args));
        try
        {
            return new HostJvm(name, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e);
        }
    }

    String awaitLine(final String prefix, final long timeoutMs)
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            final long left = deadline - System.currentTimeMillis();
            final String line;
            try
            {
                line = left <= 0 ? null : lines.poll(left, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException e)
            {
                throw new IllegalStateException(e);
            }
            if (line == null)
            {
                throw new AssertionError(name + ": no line starting with '" + prefix + "' within " + timeoutMs + " ms; saw " + seen +
                    (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
            }
            seen.add(line);
            if (line.startsWith(prefix))
            {
                claimed.add(line);
                return line;
            }
        }
    }

    /** A line starting with {@code prefix} seen already (while waiting for another), or the next one. */
    String findOrAwait(final String prefix, final long timeoutMs)
    {
        for (final String line : seen)
        {
            if (line.startsWith(prefix) && claimed.add(line))
            {
                return line;
            }
        }
        return awaitLine(prefix, timeoutMs);
    }

    /** Collect lines until one equals {@code end}. */
    String awaitBlock(final String end, final long timeoutMs)
    {
        final StringBuilder sb = new StringBuilder();
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            final String line = awaitLine("", Math.max(1, deadline - System.currentTimeMillis()));
            if (line.equals(end))
            {
                return sb.toString();
            }
            sb.append(line).append('\n');
        }
    }

    void send(final String command)
    {
        try
        {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(name + ": cannot send '" + command + "': " + e.getMessage(), e);
        }
    }

    /** The JVM's pid: with a namespace wrapper, the java child of {@code ip netns exec} (which execs, so the same). */
    long pid()
    {
        return process.pid();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void signal(final String signal) throws Exception
    {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
