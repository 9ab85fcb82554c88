package io.rpcool.harness.jvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a {@link ChildJvm} printed: a daemon thread reads its stdout line by line into a list that
 * the awaits search, each line returned by at most one await; for errors, the tails of its stdout
 * and of its stderr file.
 */
final class ChildOutput
{
    private static final System.Logger LOGGER = System.getLogger(ChildJvm.class.getName());

    private final String name;
    private final Path stderrFile;
    private final Function<String, ChildJvmException> failure;
    private final Thread reader;

    private final Object lock = new Object();
    private final List<String> lines = new ArrayList<>();
    private final BitSet claimed = new BitSet();
    private int cursor;
    private boolean stdoutClosed;

    /**
     * Start reading.
     *
     * @param name        of the child, in thread names and errors.
     * @param stdout      the child's stdout.
     * @param onLine      told every line on the reading thread first, or null.
     * @param stdoutCopy  where a copy of every line goes, or null; closed at the end of stdout.
     * @param stderrFile  where the child's stderr goes, or null when it is not in a file.
     * @param failure     the error for a wait that failed, from what went wrong.
     */
    ChildOutput(
        final String name,
        final InputStream stdout,
        final Consumer<String> onLine,
        final Writer stdoutCopy,
        final Path stderrFile,
        final Function<String, ChildJvmException> failure)
    {
        this.name = name;
        this.stderrFile = stderrFile;
        this.failure = failure;
        this.reader = new Thread(() -> pump(stdout, onLine, stdoutCopy), "child-jvm-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    String awaitLine(final Predicate<String> match, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final String problem;
        synchronized (lock)
        {
            while (true)
            {
                while (cursor < lines.size())
                {
                    final int index = cursor++;
                    if (!claimed.get(index) && match.test(lines.get(index)))
                    {
                        claimed.set(index);
                        return lines.get(index);
                    }
                }
                if (stdoutClosed)
                {
                    problem = "closed its stdout without a " + describe(match);
                    break;
                }
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0)
                {
                    problem = "printed no " + describe(match) + " within " + timeoutMs + " ms";
                    break;
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(lock, leftNs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new ChildJvmException(name + ": interrupted while waiting for a " + describe(match), ex);
                }
            }
        }
        throw failure.apply(problem);
    }

    String awaitUnclaimedLine(final Predicate<String> match, final long timeoutMs)
    {
        synchronized (lock)
        {
            for (int i = 0; i < cursor; i++)
            {
                if (!claimed.get(i) && match.test(lines.get(i)))
                {
                    claimed.set(i);
                    return lines.get(i);
                }
            }
        }
        return awaitLine(match, timeoutMs);
    }

    List<String> lines()
    {
        synchronized (lock)
        {
            return List.copyOf(lines);
        }
    }

    boolean stdoutClosed()
    {
        synchronized (lock)
        {
            return stdoutClosed;
        }
    }

    /**
     * Append the last stdout lines and the tail of the stderr file, if there is one, to an error message.
     *
     * @param message  the error message so far.
     */
    void appendTails(final StringBuilder message)
    {
        final List<String> seen = lines();
        final List<String> tail = seen.subList(Math.max(0, seen.size() - ChildJvm.LINES_IN_ERRORS), seen.size());
        message.append("; its ").append(seen.size() > tail.size() ? "last " + tail.size() + " of " + seen.size() + " " : "")
            .append("stdout lines: ").append(tail);
        if (stderrFile != null)
        {
            try
            {
                final List<String> err = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
                final List<String> errTail = err.subList(Math.max(0, err.size() - 15), err.size());
                if (!errTail.isEmpty())
                {
                    message.append("\n  stderr (").append(stderrFile).append("):\n    ").append(String.join("\n    ", errTail));
                }
            }
            catch (final IOException ignore)
            {
                // no stderr file (yet)
            }
        }
    }

    /**
     * Let the reading thread take the last lines of a child that exited: at most {@code timeoutMs},
     * since a process the child left behind could hold the pipe open.
     */
    void drain(final long timeoutMs)
    {
        try
        {
            reader.join(timeoutMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ChildJvmException(name + ": interrupted while reading its last lines", ex);
        }
    }

    static String describe(final Predicate<String> match)
    {
        // A lambda's toString() is its class name: say nothing rather than that.
        return match.getClass().isSynthetic() ? "matching line" : match.toString();
    }

    private void pump(final InputStream stdout, final Consumer<String> onLine, final Writer stdoutCopy)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                if (onLine != null)
                {
                    try
                    {
                        onLine.accept(line);
                    }
                    catch (final RuntimeException ex)
                    {
                        LOGGER.log(System.Logger.Level.WARNING, name + ": line listener failed on '" + line + "'", ex);
                    }
                }
                if (stdoutCopy != null)
                {
                    stdoutCopy.write(line);
                    stdoutCopy.write('\n');
                    stdoutCopy.flush();
                }
                synchronized (lock)
                {
                    lines.add(line);
                    lock.notifyAll();
                }
            }
        }
        catch (final IOException ignore)
        {
            // the stream closed under us: the child is gone
        }
        finally
        {
            if (stdoutCopy != null)
            {
                try
                {
                    stdoutCopy.close();
                }
                catch (final IOException ignore)
                {
                    // nothing more to write
                }
            }
            synchronized (lock)
            {
                stdoutClosed = true;
                lock.notifyAll();
            }
        }
    }
}
