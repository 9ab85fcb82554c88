package io.rpcool.bench.alloc;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Bytes allocated by individual threads, from HotSpot's per-thread allocation counters
 * ({@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long)}): the counters include
 * every TLAB and outside-TLAB allocation of the thread, so the difference over a window is what
 * the thread allocated in it.
 * <pre>
 *   ThreadAllocation.Snapshot before = ThreadAllocation.snapshot(threads);
 *   ... run N calls ...
 *   long bytes = before.allocatedSince();
 * </pre>
 */
public final class ThreadAllocation
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private ThreadAllocation()
    {
    }

    /**
     * @throws IllegalStateException unless this JVM counts allocated bytes per thread.
     */
    public static void ensureSupported()
    {
        if (!THREADS.isThreadAllocatedMemorySupported())
        {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread");
        }
        if (!THREADS.isThreadAllocatedMemoryEnabled())
        {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
    }

    /**
     * @param thread  a live thread.
     * @return bytes it has allocated since it started, or -1 if it has ended.
     */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    public static long allocatedBytes(final Thread thread)
    {
        return THREADS.getThreadAllocatedBytes(thread.getId());
    }

    /**
     * @param prefixes  thread name prefixes.
     * @return live threads whose names start with one of the prefixes, sorted by name.
     */
    public static List<Thread> threadsNamed(final String... prefixes)
    {
        final List<Thread> threads = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            for (final String prefix : prefixes)
            {
                if (thread.getName().startsWith(prefix))
                {
                    threads.add(thread);
                    break;
                }
            }
        }
        threads.sort(Comparator.comparing(Thread::getName));
        return threads;
    }

    /**
     * @param threads  threads to follow.
     * @return their allocation counters now.
     */
    public static Snapshot snapshot(final List<Thread> threads)
    {
        return new Snapshot(threads);
    }

    /**
     * Allocation counters of a set of threads at one moment.
     */
    public static final class Snapshot
    {
        private final List<Thread> threads;
        private final long[] bytes;

        private Snapshot(final List<Thread> threads)
        {
            this.threads = List.copyOf(threads);
            this.bytes = new long[threads.size()];
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = allocatedBytes(this.threads.get(i));
            }
        }

        /**
         * @return bytes the threads allocated since the snapshot, summed.
         * @throws IllegalStateException if one of them ended meanwhile (its bytes would be lost).
         */
        public long allocatedSince()
        {
            long total = 0;
            for (int i = 0; i < bytes.length; i++)
            {
                final long now = allocatedBytes(threads.get(i));
                if (now < 0 || bytes[i] < 0)
                {
                    throw new IllegalStateException("thread " + threads.get(i).getName() + " ended during the window");
                }
                total += now - bytes[i];
            }
            return total;
        }

        /**
         * @return bytes each thread allocated since the snapshot, in {@link #names()} order; -1 for a
         * thread that ended meanwhile.
         */
        public long[] allocatedSincePerThread()
        {
            final long[] since = new long[bytes.length];
            for (int i = 0; i < bytes.length; i++)
            {
                final long now = allocatedBytes(threads.get(i));
                since[i] = now < 0 || bytes[i] < 0 ? -1 : now - bytes[i];
            }
            return since;
        }

        /**
         * @return names of the threads followed.
         */
        public List<String> names()
        {
            return threads.stream().map(Thread::getName).toList();
        }
    }
}
