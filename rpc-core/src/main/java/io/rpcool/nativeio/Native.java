package io.rpcool.nativeio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Entry point to the native layer: loads libc once, reports whether the features rpc-core needs
 * are usable here, and reads errno. Shaped like Netty's {@code Epoll}: {@link #isAvailable()},
 * {@link #ensureAvailability()} and {@link #unavailabilityCause()}.
 */
public final class Native
{
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    public static final long MAP_FAILED = -1L;

    public static final int MFD_CLOEXEC = 0x1;
    public static final int MFD_ALLOW_SEALING = 0x2;
    public static final int O_RDWR = 0x2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_ADD_SEALS = 1033;
    public static final int F_SEAL_SHRINK = 0x2;
    public static final int F_SEAL_GROW = 0x4;

    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_PEERCRED = 17;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int SHUT_RDWR = 2;

    public static final int POLLIN = 0x1;
    public static final long SYS_PIDFD_OPEN = 434;
    public static final int PR_SET_TIMERSLACK = 29;

    private static final LibC LIBC;
    private static final Runtime RUNTIME;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static
    {
        LibC libc = null;
        Runtime runtime = null;
        Throwable cause = null;
        try
        {
            if (!"Linux".equals(System.getProperty("os.name")))
            {
                throw new UnsupportedOperationException(
                    "rpc-core's shared-memory transport needs Linux, this is " + System.getProperty("os.name"));
            }
            libc = LibraryLoader.create(LibC.class).load("c");
            runtime = Runtime.getRuntime(libc);
            libc.getpid();
        }
        catch (final Throwable t)
        {
            cause = t;
            libc = null;
        }
        LIBC = libc;
        RUNTIME = runtime;
        UNAVAILABILITY_CAUSE = cause;
    }

    private Native()
    {
    }

    public static boolean isAvailable()
    {
        return UNAVAILABILITY_CAUSE == null;
    }

    public static Throwable unavailabilityCause()
    {
        return UNAVAILABILITY_CAUSE;
    }

    public static void ensureAvailability()
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            throw new UnsupportedOperationException(
                "native layer unavailable: " + UNAVAILABILITY_CAUSE, UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * @return the bound libc; throws with the cause when the native layer could not load.
     */
    public static LibC libc()
    {
        if (LIBC == null)
        {
            ensureAvailability();
        }
        return LIBC;
    }

    static Runtime runtime()
    {
        ensureAvailability();
        return RUNTIME;
    }

    /**
     * @return errno as saved by the last {@code @SaveError} call on this thread.
     */
    public static int errno()
    {
        return RUNTIME.getLastError();
    }

    static String strerror(final int errno)
    {
        if (LIBC == null)
        {
            return "errno " + errno;
        }
        final String s = LIBC.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    /**
     * Throw for a failed call if {@code result} is negative.
     */
    public static long check(final long result, final String call)
    {
        if (result < 0)
        {
            throw Errno.exception(call, errno());
        }
        return result;
    }

    public static int pid()
    {
        return libc().getpid();
    }

    /** The real user id of this process. */
    public static int uid()
    {
        return libc().getuid();
    }

    /** The real group id of this process. */
    public static int gid()
    {
        return libc().getgid();
    }
}
