package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Records, for the fencing test, when this process maps and unmaps heap files of the pool: every
 * 10 ms it reads {@code /proc/self/maps} and prints a line when a pool file's mapping appears or
 * goes, with the bounds of the interval it may have existed in (so intervals are never shorter
 * than the real ones):
 * <pre>
 *  MAP &lt;ms before it appeared&gt; &lt;start hex&gt; &lt;end hex&gt; &lt;heap file&gt;
 *  UNMAP &lt;ms after it went&gt; &lt;start hex&gt; &lt;end hex&gt; &lt;heap file&gt;
 * </pre>
 * A file mapped in several pieces (mprotect seals split a mapping) counts as one range.
 */
final class MapsRecorder implements Runnable
{
    private static final long PERIOD_MS = 10;

    private final String pool;

    private MapsRecorder(final Path pool)
    {
        this.pool = pool.toAbsolutePath().normalize() + "/";
    }

    static void start(final Path pool)
    {
        final Thread t = new Thread(new MapsRecorder(pool), "maps-recorder");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run()
    {
        Map<String, long[]> before = new HashMap<>();
        long beforeMs = System.currentTimeMillis();
        while (true)
        {
            final Map<String, long[]> now = sample();
            final long nowMs = System.currentTimeMillis();
            for (final Map.Entry<String, long[]> e : now.entrySet())
            {
                if (!before.containsKey(e.getKey()))
                {
                    print("MAP", beforeMs, e.getValue(), e.getKey());
                }
            }
            for (final Map.Entry<String, long[]> e : before.entrySet())
            {
                if (!now.containsKey(e.getKey()))
                {
                    print("UNMAP", nowMs, e.getValue(), e.getKey());
                }
            }
            before = now;
            beforeMs = nowMs;
            try
            {
                Thread.sleep(PERIOD_MS);
            }
            catch (final InterruptedException e)
            {
                return;
            }
        }
    }

    private static void print(final String what, final long ms, final long[] range, final String file)
    {
        System.out.println(what + " " + ms + " " + Long.toHexString(range[0]) + " " + Long.toHexString(range[1]) + " " + file);
        System.out.flush();
    }

    private Map<String, long[]> sample()
    {
        final Map<String, long[]> mapped = new HashMap<>();
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/maps")))
            {
                final int at = line.indexOf(pool);
                if (at < 0)
                {
                    continue;
                }
                String file = line.substring(at + pool.length());
                if (file.endsWith(" (deleted)"))
                {
                    file = file.substring(0, file.length() - " (deleted)".length());
                }
                final int dash = line.indexOf('-');
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, line.indexOf(' ')), 16);
                final long[] range = mapped.computeIfAbsent(file, k -> new long[] {start, end});
                range[0] = Math.min(range[0], start);
                range[1] = Math.max(range[1], end);
            }
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot read /proc/self/maps", e);
        }
        return mapped;
    }
}
