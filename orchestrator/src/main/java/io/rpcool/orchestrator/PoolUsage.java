package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the pool holds memory. When the pool directory is a mount of its own (a tmpfs or
 * hugetlbfs sized for the pool, as the emulated cluster sets up), the file system's own count is
 * used: it includes heaps already unlinked but still mapped by a process, so memory is back in the
 * pool only once nobody maps it. Otherwise the sizes of the heap files are summed.
 */
public final class PoolUsage
{
    private PoolUsage()
    {
    }

    /** True if the pool directory is a mount point (its usage is then exact). */
    public static boolean isOwnMount(final Path pool)
    {
        try
        {
            final Path parent = pool.toAbsolutePath().getParent();
            return parent != null && !Files.getFileStore(pool).equals(Files.getFileStore(parent));
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /** Bytes of the pool in use. */
    public static long usedBytes(final Path pool)
    {
        try
        {
            if (isOwnMount(pool))
            {
                final FileStore store = Files.getFileStore(pool);
                return store.getTotalSpace() - store.getUnallocatedSpace();
            }
            long sum = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(pool, "heap-*"))
            {
                for (final Path f : files)
                {
                    try
                    {
                        sum += Files.size(f);
                    }
                    catch (final IOException e)
                    {
                        // reclaimed meanwhile
                    }
                }
            }
            return sum;
        }
        catch (final IOException e)
        {
            return -1;
        }
    }

    /** Heap files in the pool directory. */
    public static int heapFiles(final Path pool)
    {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pool, "heap-*"))
        {
            for (final Path ignored : files)
            {
                n++;
            }
        }
        catch (final IOException e)
        {
            return -1;
        }
        return n;
    }
}
