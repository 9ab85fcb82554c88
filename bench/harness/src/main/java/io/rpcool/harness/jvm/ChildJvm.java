package io.rpcool.harness.jvm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A JVM started by this one to run a main class: a server or client of a multi-process test, a
 * benchmark fork, a host of an emulated cluster. The one place that builds such a command line,
 * reads the child's output and waits for it.
 *
 * <pre>
 *   try (ChildJvm server = ChildJvm.builder(ServerMain.class)
 *           .jvmFlags("-Xmx256m")
 *           .property("rpcool.dir", dir.toString())
 *           .args("/demo/echo")
 *           .start())
 *   {
 *       final String ready = server.awaitLine("READY", 30_000);   // "READY 4711"
 *       server.send("stop");
 *       assertEquals(0, server.awaitExit(10_000));
 *   }                                                            // kill -9 if still running
 * </pre>
 *
 * <h2>Command line</h2>
 * <pre>
 *   [ip netns exec NS] JAVA_HOME/bin/java  required flags  JVM flags  -Dkey=value...  -cp CLASS_PATH  MAIN  args...
 *   '-- netns(NS) --'  '-- this JDK ---'  '- JvmFlags -'  '-- jvmFlags, property --'  '- classPath -'
 * </pre>
 * The child runs with this JVM's JDK ({@code java.home}) and, unless told otherwise, this JVM's
 * class path. {@link JvmFlags#required()} comes first, so every child can use Agrona on every JDK
 * the build supports.
 *
 * <h2>Output</h2>
 * A daemon thread reads the child's stdout line by line: each line goes to the
 * {@link Builder#onLine(Consumer) listener} (on that thread), to the
 * {@link Builder#stdoutCopy(Path) copy file}, then into this object's list of lines, where the
 * awaits find it. The list keeps every line the child printed (children here print a few lines
 * each; one that prints without end should not be run through this class). Stderr goes to this
 * JVM's stderr or to a {@link Builder#stderrTo(Path) file}, whose tail then appears in errors.
 * <p>
 * {@link #awaitLine(Predicate, long)} looks at the lines after those earlier awaits looked at, in
 * order, and returns the first that matches; lines it passes over stay in the list, unreturned,
 * and {@link #awaitUnclaimedLine(Predicate, long)} can still return them. Each line is returned
 * by at most one await.
 *
 * <h2>Deadlines</h2>
 * Every wait takes or has a bound: awaits fail after their timeout, or at once when the child
 * closes its stdout; {@link #kill9()} and {@link #signal(String)} wait at most
 * {@value #KILL_WAIT_MS} ms. Failures are {@link ChildJvmException}s whose message names the child,
 * what was awaited, whether it exited (and how), and its last lines. A child still running when
 * this JVM exits is killed with SIGKILL by a shutdown hook.
 * <p>
 * {@link ChildProcesses} starts the process and keeps that hook; {@link ChildOutput} reads its
 * stdout and answers the awaits.
 */
public final class ChildJvm implements AutoCloseable
{
    /**
     * How long {@link #kill9()} and {@link #signal(String)} wait for the child or for {@code kill}.
     */
    public static final long KILL_WAIT_MS = 10_000;

    /**
     * How many of the last stdout lines an error message quotes.
     */
    static final int LINES_IN_ERRORS = 20;

    /**
     * How long {@link #stop(long, long)} waits for the last lines of a child that exited.
     */
    static final long DRAIN_MS = 2000;

    private final String name;
    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
    private final ChildOutput output;

    ChildJvm(final Builder builder, final Process process, final Writer stdoutCopy)
    {
        this.name = builder.name;
        this.command = builder.command();
        this.process = process;
        this.stdin = process.getOutputStream();
        this.output = new ChildOutput(
            name, process.getInputStream(), builder.onLine, stdoutCopy, builder.stderrFile, this::failure);
    }

    /**
     * @param mainClass  class whose {@code main} the child runs.
     * @return a builder for a child named after the class.
     */
    public static Builder builder(final Class<?> mainClass)
    {
        return new Builder(mainClass.getName()).name(mainClass.getSimpleName());
    }

    /**
     * @param mainClassName  fully qualified name of the class whose {@code main} the child runs.
     * @return a builder for a child named after the class.
     */
    public static Builder builder(final String mainClassName)
    {
        return new Builder(mainClassName).name(mainClassName.substring(mainClassName.lastIndexOf('.') + 1));
    }

    /**
     * @return the name used in thread names and errors.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the command line the child was started with.
     */
    public List<String> command()
    {
        return command;
    }

    /**
     * @return the JVM's process id; in a network namespace too, since {@code ip netns exec} replaces
     * itself with the JVM.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return whether the process is still running.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Wait for the next line that starts with {@code prefix}.
     *
     * @param prefix     what the line starts with.
     * @param timeoutMs  how long to wait.
     * @return the whole line.
     * @throws ChildJvmException if no such line came within the timeout or the child closed its stdout first.
     */
    public String awaitLine(final String prefix, final long timeoutMs)
    {
        return awaitLine(startingWith(prefix), timeoutMs);
    }

    /**
     * Wait for the next line that matches, looking at the lines after those every earlier await
     * looked at, in order. Lines that do not match are passed over (and stay unreturned).
     *
     * @param match      which line; its {@code toString()} describes it in errors.
     * @param timeoutMs  how long to wait.
     * @return the line.
     * @throws ChildJvmException if no such line came within the timeout or the child closed its stdout first.
     */
    public String awaitLine(final Predicate<String> match, final long timeoutMs)
    {
        return output.awaitLine(match, timeoutMs);
    }

    /**
     * Return the earliest line that matches and that no await has returned, including lines an
     * earlier {@link #awaitLine(Predicate, long)} passed over while it waited for another; if there
     * is none, wait for the next one as {@link #awaitLine(Predicate, long)} does.
     *
     * @param match      which line.
     * @param timeoutMs  how long to wait.
     * @return the line.
     * @throws ChildJvmException if no such line came within the timeout or the child closed its stdout first.
     */
    public String awaitUnclaimedLine(final Predicate<String> match, final long timeoutMs)
    {
        return output.awaitUnclaimedLine(match, timeoutMs);
    }

    /**
     * @return every line the child printed so far, in order.
     */
    public List<String> lines()
    {
        return output.lines();
    }

    /**
     * Write one line to the child's stdin.
     *
     * @param line  the line, without its end.
     * @throws ChildJvmException if the child's stdin is closed (it exited).
     */
    public void send(final String line)
    {
        try
        {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        catch (final IOException ex)
        {
            throw new ChildJvmException(name + ": cannot send '" + line + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * Close the child's stdin: it reads end of file, the shutdown signal of the benchmark forks.
     */
    public void closeStdin()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ignore)
        {
            // already closed, or the child is gone
        }
    }

    /**
     * Wait for the child to exit and for its last stdout lines to be read: {@link #lines()} then
     * holds everything it printed.
     *
     * @param timeoutMs  how long to wait.
     * @return its exit code.
     * @throws ChildJvmException if it did not exit within the timeout.
     */
    public int awaitExit(final long timeoutMs)
    {
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        if (!waitFor(timeoutMs))
        {
            throw failure("did not exit within " + timeoutMs + " ms");
        }
        output.drain(Math.max(1, deadlineMs - System.currentTimeMillis()));
        return process.exitValue();
    }

    /**
     * Send SIGKILL and wait for the child to be gone.
     *
     * @return its exit code (137 for a JVM killed by the signal, or the code it had exited with).
     * @throws ChildJvmException if it is still there after {@value #KILL_WAIT_MS} ms.
     */
    public int kill9()
    {
        process.destroyForcibly();
        if (!waitFor(KILL_WAIT_MS))
        {
            throw failure("still running " + KILL_WAIT_MS + " ms after SIGKILL");
        }
        return process.exitValue();
    }

    /**
     * Send SIGTERM (the JVM runs its shutdown hooks) without waiting.
     */
    public void destroy()
    {
        process.destroy();
    }

    /**
     * Send a signal with {@code kill}, e.g. {@code STOP} and {@code CONT} to freeze and thaw the child.
     *
     * @param signal  signal name without the {@code SIG} prefix.
     * @throws ChildJvmException if {@code kill} failed or did not finish within {@value #KILL_WAIT_MS} ms.
     */
    public void signal(final String signal)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                kill.destroyForcibly();
                throw new ChildJvmException(name + ": kill -" + signal + " did not finish within " + KILL_WAIT_MS + " ms");
            }
            if (kill.exitValue() != 0)
            {
                throw new ChildJvmException(name + ": kill -" + signal + " " + process.pid() + " exited with " + kill.exitValue());
            }
        }
        catch (final IOException ex)
        {
            throw new ChildJvmException(name + ": cannot run kill: " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ChildJvmException(name + ": interrupted while sending " + signal, ex);
        }
    }

    /**
     * Stop the child in three steps, each taken only if the one before did not end it: close its
     * stdin and wait {@code stdinGraceMs}; SIGTERM and wait {@code termGraceMs}; SIGKILL.
     *
     * @param stdinGraceMs  time to exit after its stdin closed.
     * @param termGraceMs   time to exit after SIGTERM.
     * @return its exit code; {@link #lines()} then holds everything it printed.
     * @throws ChildJvmException if it is still there after SIGKILL and {@value #KILL_WAIT_MS} ms.
     */
    public int stop(final long stdinGraceMs, final long termGraceMs)
    {
        closeStdin();
        if (!waitFor(stdinGraceMs))
        {
            process.destroy();
            if (!waitFor(termGraceMs))
            {
                kill9();
            }
        }
        output.drain(DRAIN_MS);
        return process.exitValue();
    }

    /**
     * Kill the child with SIGKILL if it is still running, and wait for it.
     */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            kill9();
        }
    }

    @Override
    public String toString()
    {
        return name + " (pid " + process.pid() + ")";
    }

    /**
     * @param prefix  what a line starts with.
     * @return a predicate that says so in errors.
     */
    public static Predicate<String> startingWith(final String prefix)
    {
        Objects.requireNonNull(prefix, "prefix");
        return new Predicate<>()
        {
            @Override
            public boolean test(final String line)
            {
                return line.startsWith(prefix);
            }

            @Override
            public String toString()
            {
                return "line starting with '" + prefix + "'";
            }
        };
    }

    private boolean waitFor(final long timeoutMs)
    {
        try
        {
            return process.waitFor(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ChildJvmException(name + ": interrupted while waiting for its exit", ex);
        }
    }

    private ChildJvmException failure(final String what)
    {
        final StringBuilder message = new StringBuilder(name).append(' ').append(what);
        // The exit usually follows the end of stdout closely: wait briefly to report how it ended.
        boolean exited;
        try
        {
            exited = process.waitFor(output.stdoutClosed() ? 1000 : 0, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            exited = !process.isAlive();
        }
        message.append(exited ? " (exited with " + process.exitValue() + ")" : " (still running)");
        output.appendTails(message);
        return new ChildJvmException(message.toString());
    }

    /**
     * What to start. Flags, properties, arguments and environment entries add up in call order.
     */
    public static final class Builder
    {
        private final String mainClass;
        private String name;
        private String classPath = System.getProperty("java.class.path");
        private final List<String> jvmFlags = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String netns;
        private Path stderrFile;
        private Path stdoutCopy;
        private Consumer<String> onLine;

        private Builder(final String mainClass)
        {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        /**
         * @param name  name in thread names and errors (default: the main class's simple name).
         * @return this.
         */
        public Builder name(final String name)
        {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param classPath  the child's class path (default: this JVM's {@code java.class.path}).
         * @return this.
         */
        public Builder classPath(final String classPath)
        {
            this.classPath = Objects.requireNonNull(classPath, "classPath");
            return this;
        }

        /**
         * @param flags  JVM flags after the required ones, e.g. {@code -Xmx256m} or {@code -Dkey=value}.
         * @return this.
         */
        public Builder jvmFlags(final String... flags)
        {
            return jvmFlags(List.of(flags));
        }

        /**
         * @param flags  JVM flags after the required ones.
         * @return this.
         */
        public Builder jvmFlags(final List<String> flags)
        {
            jvmFlags.addAll(flags);
            return this;
        }

        /**
         * @param key    system property.
         * @param value  its value.
         * @return this, with {@code -Dkey=value} added to the JVM flags.
         */
        public Builder property(final String key, final String value)
        {
            jvmFlags.add("-D" + key + "=" + value);
            return this;
        }

        /**
         * @param args  arguments of {@code main}.
         * @return this.
         */
        public Builder args(final String... args)
        {
            return args(List.of(args));
        }

        /**
         * @param args  arguments of {@code main}.
         * @return this.
         */
        public Builder args(final List<String> args)
        {
            this.args.addAll(args);
            return this;
        }

        /**
         * @param namespace  network namespace to run in ({@code ip netns exec namespace java ...};
         *                   needs root), or null for this JVM's.
         * @return this.
         */
        public Builder netns(final String namespace)
        {
            this.netns = namespace;
            return this;
        }

        /**
         * @param key    environment variable of the child.
         * @param value  its value.
         * @return this.
         */
        public Builder env(final String key, final String value)
        {
            env.put(key, value);
            return this;
        }

        /**
         * @param file  where the child's stderr goes (created or truncated); its tail is quoted in
         *              errors. Default: this JVM's stderr.
         * @return this.
         */
        public Builder stderrTo(final Path file)
        {
            this.stderrFile = file;
            return this;
        }

        /**
         * @param file  where a copy of every stdout line goes (created or truncated).
         * @return this.
         */
        public Builder stdoutCopy(final Path file)
        {
            this.stdoutCopy = file;
            return this;
        }

        /**
         * @param listener  told every stdout line on the reading thread, before awaits can see it;
         *                  e.g. to echo lines or to keep the latest of some kind.
         * @return this.
         */
        public Builder onLine(final Consumer<String> listener)
        {
            this.onLine = listener;
            return this;
        }

        /**
         * @return the command line {@link #start()} runs.
         */
        public List<String> command()
        {
            final List<String> command = new ArrayList<>();
            if (netns != null)
            {
                command.addAll(List.of("ip", "netns", "exec", netns));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JvmFlags.required());
            command.addAll(jvmFlags);
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass);
            command.addAll(args);
            return List.copyOf(command);
        }

        /**
         * @return the running child.
         * @throws ChildJvmException if it cannot be started or its log files cannot be created.
         */
        public ChildJvm start()
        {
            return ChildProcesses.start(name, command(), env, stderrFile, stdoutCopy,
                (process, stdoutCopyWriter) -> new ChildJvm(this, process, stdoutCopyWriter));
        }
    }
}
