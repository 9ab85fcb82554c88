package io.rpcool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running a main class of the test classpath, with its stdout readable line by
 * line. {@link #kill9()} sends SIGKILL.
 */
public final class JvmProcess implements AutoCloseable
{
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private JvmProcess(final Process process)
    {
        this.process = process;
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
                // process ended
            }
        }, "jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static JvmProcess start(final Class<?> main, final List<String> properties, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.addAll(properties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        try
        {
            return new JvmProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Wait for a line starting with {@code prefix}.
     *
     * @return the line.
     */
    public String awaitLine(final String prefix, final long timeoutMs)
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
                throw new AssertionError("no line starting with '" + prefix + "' within " + timeoutMs + " ms; saw " + seen +
                    (process.isAlive() ? "" : " (process exited with " + process.exitValue() + ")"));
            }
            seen.add(line);
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    public long pid()
    {
        return process.pid();
    }

    public void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int waitFor(final long timeoutMs) throws InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("process did not exit within " + timeoutMs + " ms");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            kill9();
        }
    }
}
