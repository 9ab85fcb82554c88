package io.rpcool.bench.seal;

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
 * The server JVM of a benchmark: the running JDK's {@code java} with this JVM's class path, the
 * flags the project needs ({@code --add-exports}, a 256 MiB heap) and the caller's, its standard
 * output read line by line, standard error passed through. {@link #close()} kills it.
 */
final class ServerProcess implements AutoCloseable
{
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ServerProcess(final Process process)
    {
        this.process = process;
        final Thread reader = new Thread(this::pump, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ServerProcess start(final Class<?> main, final List<String> jvmFlags, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ServerProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /**
     * Wait for a line of the server's standard output that starts with {@code prefix}.
     *
     * @return the line.
     * @throws IllegalStateException if none came within {@code timeoutMs}.
     */
    String awaitLine(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            final long leftMs = deadlineMs - System.currentTimeMillis();
            final String line = leftMs <= 0 ? null : lines.poll(leftMs, TimeUnit.MILLISECONDS);
            if (line == null)
            {
                throw new IllegalStateException("no line starting with '" + prefix + "' within " + timeoutMs + " ms; saw " +
                    seen + (process.isAlive() ? "" : " (server exited with " + process.exitValue() + ")"));
            }
            seen.add(line);
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private void pump()
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ex)
        {
            // the server ended
        }
    }
}
