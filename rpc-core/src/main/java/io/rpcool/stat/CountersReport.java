package io.rpcool.stat;

import java.io.File;
import java.nio.file.Path;

import io.rpcool.nativeio.Processes;

/**
 * The counters section of {@code ./rpcool stat}: every counters file of a daemon directory, with its
 * process's counters (zeros left out) and distinct errors.
 */
public final class CountersReport
{
    private CountersReport()
    {
    }

    /**
     * @return a human-readable report of the counters files in {@code directory}.
     */
    public static String of(final Path directory)
    {
        final StringBuilder sb = new StringBuilder();
        for (final File f : CountersFile.filesIn(directory))
        {
            try (CountersFile file = CountersFile.open(f.toPath()))
            {
                final boolean alive = Processes.isAlive(file.pid(), -1);
                sb.append(String.format("counters of pid %d (%s)%s:%n", file.pid(), file.processName(), alive ? "" : ", exited"));
                for (final CountersFile.Counter c : file.counters())
                {
                    if (c.value() != 0)
                    {
                        sb.append(String.format("  %-40s %,d%n", c.label(), c.value()));
                    }
                }
                for (final String error : file.errors())
                {
                    sb.append("  error: ").append(error.replace("\n", "\n    ")).append('\n');
                }
            }
            catch (final RuntimeException e)
            {
                sb.append(String.format("counters file %s: %s%n", f.getName(), e.getMessage()));
            }
        }
        return sb.toString();
    }
}
