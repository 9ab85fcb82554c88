package io.rpcool.harness.jvm;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Starts the processes behind {@link ChildJvm}s and keeps the set of those still running, which a
 * shutdown hook kills with SIGKILL when this JVM exits.
 */
final class ChildProcesses
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
        }, "child-jvm-reaper"));
    }

    private ChildProcesses()
    {
    }

    /**
     * Start a command with stdin and stdout piped, creating the directories of its log files.
     *
     * @param name        of the child, in errors.
     * @param command     the command line.
     * @param env         entries added to the child's environment.
     * @param stderrFile  where stderr goes (created or truncated), or null for this JVM's stderr.
     * @param stdoutCopy  where a copy of stdout goes (created or truncated), or null.
     * @param wrap        makes the child from the started process and the open stdout copy writer (or null);
     *                    if it fails, the process is killed and the writer closed.
     * @return the running child.
     * @throws ChildJvmException if it cannot be started or its log files cannot be created.
     */
    static ChildJvm start(
        final String name,
        final List<String> command,
        final Map<String, String> env,
        final Path stderrFile,
        final Path stdoutCopy,
        final BiFunction<Process, Writer, ChildJvm> wrap)
    {
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(stderrFile == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(stderrFile.toFile()));
        builder.environment().putAll(env);
        Writer copy = null;
        Process process = null;
        try
        {
            for (final Path file : new Path[] {stderrFile, stdoutCopy})
            {
                if (file != null && file.toAbsolutePath().getParent() != null)
                {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
            }
            copy = stdoutCopy == null ? null : Files.newBufferedWriter(stdoutCopy, StandardCharsets.UTF_8);
            process = builder.start();
            final Process started = process;
            LIVE.add(started);
            started.onExit().thenRun(() -> LIVE.remove(started));
            return wrap.apply(started, copy);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (process != null)
            {
                process.destroyForcibly();
            }
            if (copy != null)
            {
                try
                {
                    copy.close();
                }
                catch (final IOException ignore)
                {
                    // failing already
                }
            }
            throw new ChildJvmException(name + ": cannot start " + command + ": " + ex.getMessage(), ex);
        }
    }
}
