package io.rpcool.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A forked JVM whose stdout is read line by line by a daemon thread: lines are copied to a log file
 * and the first line with an awaited prefix completes a future. Stderr goes to a second log file.
 * {@link #stop()} stops the JVM: stdin closed, then {@code destroy()}, then {@code destroyForcibly()}.
 */
final class ForkedJvm
{
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            for (final Process process : LIVE)
            {
                process.destroyForcibly();
            }
        }, "forked-jvm-reaper"));
    }

    private final String name;
    private final Process process;
    private final Thread reader;
    private final Path stderrLog;
    private final String awaitedPrefix;
    private final CompletableFuture<String> awaitedLine = new CompletableFuture<>();

    private ForkedJvm(final String name, final Process process, final Path stdoutLog, final Path stderrLog,
        final String awaitedPrefix) throws IOException
    {
        this.name = name;
        this.process = process;
        this.stderrLog = stderrLog;
        this.awaitedPrefix = awaitedPrefix;
        final Writer log = Files.newBufferedWriter(stdoutLog, StandardCharsets.UTF_8);
        this.reader = new Thread(() -> pump(log), name + "-stdout");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * @param name           short name for logs and errors.
     * @param command        full command line.
     * @param logDir         directory for {@code name.out.log} and {@code name.err.log}.
     * @param awaitedPrefix  stdout prefix that {@link #awaitLine(long)} waits for.
     * @return the started JVM.
     * @throws IOException if it cannot be started.
     */
    static ForkedJvm start(final String name, final List<String> command, final Path logDir, final String awaitedPrefix)
        throws IOException
    {
        Files.createDirectories(logDir);
        final Path stdoutLog = logDir.resolve(name + ".out.log");
        final Path stderrLog = logDir.resolve(name + ".err.log");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.to(stderrLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        final Process process = builder.start();
        LIVE.add(process);
        try
        {
            return new ForkedJvm(name, process, stdoutLog, stderrLog, awaitedPrefix);
        }
        catch (final IOException | RuntimeException ex)
        {
            process.destroyForcibly();
            LIVE.remove(process);
            throw ex;
        }
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * @param timeoutMs  how long to wait.
     * @return the rest of the first stdout line that starts with the awaited prefix.
     * @throws IOException if the JVM ended without printing it or the wait timed out.
     */
    String awaitLine(final long timeoutMs) throws IOException, InterruptedException
    {
        try
        {
            return awaitedLine.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IOException(name + ": no '" + awaitedPrefix.trim() + "' line within " + timeoutMs + " ms" +
                stderrTail(), ex);
        }
        catch (final ExecutionException ex)
        {
            throw new IOException(name + ": " + ex.getCause().getMessage() + stderrTail(), ex.getCause());
        }
    }

    /**
     * @param timeoutMs  how long to wait.
     * @return the exit code.
     * @throws IOException if the JVM did not exit in time.
     */
    int awaitExit(final long timeoutMs) throws IOException, InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new IOException(name + ": did not exit within " + timeoutMs + " ms");
        }
        return process.exitValue();
    }

    /**
     * Stop the JVM if it is still running and wait for it: close its stdin (the fork protocol's
     * shutdown signal) and give it 3 s, then {@code destroy()} and 2 s, then {@code destroyForcibly()}.
     *
     * @throws InterruptedException if interrupted while waiting; the JVM is then killed forcibly.
     */
    void stop() throws InterruptedException
    {
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ignore)
        {
            // already closed or the JVM is gone
        }
        try
        {
            if (!process.waitFor(3, TimeUnit.SECONDS))
            {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
            }
            else
            {
                LIVE.remove(process);
            }
        }
        reader.join(2000);
    }

    private void pump(final Writer log)
    {
        try (Writer out = log;
            BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                if (!awaitedLine.isDone() && line.startsWith(awaitedPrefix))
                {
                    awaitedLine.complete(line.substring(awaitedPrefix.length()).trim());
                }
                out.write(line);
                out.write('\n');
                out.flush();
            }
        }
        catch (final IOException ignore)
        {
            // stream closed while stopping
        }
        finally
        {
            awaitedLine.completeExceptionally(new IOException("exited without a '" + awaitedPrefix.trim() + "' line"));
        }
    }

    private String stderrTail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(stderrLog, StandardCharsets.UTF_8);
            final List<String> tail = lines.subList(Math.max(0, lines.size() - 15), lines.size());
            return tail.isEmpty() ? "" : "\n  stderr (" + stderrLog + "):\n    " + String.join("\n    ", tail);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
