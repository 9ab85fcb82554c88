package io.rpcool.nativeio;

import static io.rpcool.nativeio.Native.*;

/**
 * Creating, mapping and unmapping shared memory. Heaps are memfds created by the daemon and
 * mapped by every process at the address the daemon assigned, never elsewhere.
 */
public final class SharedMemory
{
    private static final int F_DUPFD_CLOEXEC = 1030;

    private SharedMemory()
    {
    }

    /**
     * Create anonymous shared memory of {@code length} bytes that cannot be shrunk or grown once
     * created, so no holder of the descriptor can truncate it under another process's mapping.
     *
     * @return the memfd.
     */
    public static int createSealed(final String name, final long length)
    {
        final LibC libc = libc();
        final int fd = (int)check(libc.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING), "memfd_create(" + name + ")");
        try
        {
            check(libc.ftruncate(fd, length), "ftruncate(memfd " + name + ", " + length + ")");
            check(libc.fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), "fcntl(F_ADD_SEALS)");
            return fd;
        }
        catch (final RuntimeException e)
        {
            libc.close(fd);
            throw e;
        }
    }

    /**
     * Open a heap file of a shared memory pool (a file on a tmpfs, hugetlbfs or DAX mount that
     * stands for a CXL device), creating it with {@code length} bytes when {@code create} is set
     * (failing if it exists).
     *
     * @return the file descriptor, to be mapped with {@link #mapFixed} and closed by the caller.
     */
    public static int openPoolFile(final String path, final long length, final boolean create)
    {
        final LibC libc = libc();
        final int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
        final int fd = (int)check(libc.open(path, flags, 0600), (create ? "create " : "open ") + path);
        if (create)
        {
            try
            {
                check(libc.ftruncate(fd, length), "ftruncate(" + path + ", " + length + ")");
            }
            catch (final RuntimeException e)
            {
                libc.close(fd);
                throw e;
            }
        }
        return fd;
    }

    /**
     * Map {@code fd} read-write and shared at exactly {@code address}.
     *
     * @throws AddressClashException if anything is already mapped in the range.
     */
    public static void mapFixed(final int fd, final long address, final long length)
    {
        mapFixed(fd, address, length, 0);
    }

    /**
     * Map {@code length} bytes of {@code fd} from {@code offset} read-write and shared at exactly
     * {@code address} (a range of a pool device).
     *
     * @throws AddressClashException if anything is already mapped in the range.
     */
    public static void mapFixed(final int fd, final long address, final long length, final long offset)
    {
        final LibC libc = libc();
        final jnr.ffi.Pointer mapped = libc.mmap(
            jnr.ffi.Pointer.wrap(runtime(), address), length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, offset);
        final long result = mapped == null ? 0 : mapped.address();
        if (result == MAP_FAILED)
        {
            final int errno = errno();
            if (errno == Errno.EEXIST)
            {
                throw new AddressClashException(address, length);
            }
            throw Errno.exception(String.format("mmap(0x%x, %d, MAP_FIXED_NOREPLACE, offset %d)", address, length, offset), errno);
        }
        if (result != address)
        {
            // Kernels older than 4.17 ignore MAP_FIXED_NOREPLACE and treat the address as a hint.
            libc.munmap(result, length);
            throw new AddressClashException(address, length);
        }
    }

    /**
     * Map {@code length} bytes of {@code fd} from {@code offset} read-write and shared wherever the
     * kernel chooses (a device's header, a range being cleared).
     *
     * @return the address.
     */
    public static long mapShared(final int fd, final long length, final long offset)
    {
        final jnr.ffi.Pointer mapped = libc().mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
        final long result = mapped == null ? 0 : mapped.address();
        if (result == MAP_FAILED)
        {
            throw Errno.exception(String.format("mmap(%d bytes, MAP_SHARED, offset %d)", length, offset), errno());
        }
        return result;
    }

    /** Open {@code path} (a pool device) read-write, without creating it. */
    public static int openDevice(final String path)
    {
        return (int)check(libc().open(path, O_RDWR | O_CLOEXEC, 0), "open " + path);
    }

    /** A second descriptor of {@code fd}, owned by the caller. */
    public static int dup(final int fd)
    {
        return (int)check(libc().fcntl(fd, F_DUPFD_CLOEXEC, 0), "fcntl(" + fd + ", F_DUPFD_CLOEXEC)");
    }

    public static void unmap(final long address, final long length)
    {
        check(libc().munmap(address, length), String.format("munmap(0x%x, %d)", address, length));
    }

    public static void close(final int fd)
    {
        if (fd >= 0)
        {
            libc().close(fd);
        }
    }

    /**
     * Lower the timer slack of the calling thread so that short sleeps (a few microseconds)
     * are not stretched to the default 50 µs slack.
     */
    public static void reduceTimerSlack(final long slackNs)
    {
        if (isAvailable())
        {
            libc().prctl(PR_SET_TIMERSLACK, slackNs, 0, 0, 0);
        }
    }
}
