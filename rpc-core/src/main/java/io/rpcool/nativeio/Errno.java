package io.rpcool.nativeio;

/**
 * The errno values rpc-core reacts to, and the one place where an errno becomes an exception.
 */
public final class Errno
{
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int EADDRINUSE = 98;
    public static final int ECONNRESET = 104;
    public static final int ENOTCONN = 107;
    public static final int ECONNREFUSED = 111;

    private Errno()
    {
    }

    /**
     * Build the exception for a failed call.
     *
     * @param call  what was being done, e.g. {@code "mmap(0x500000000000, 2097152)"}.
     * @param errno the value of errno right after the call.
     * @return the exception to throw: {@link NativeException} carrying the errno.
     */
    public static NativeException exception(final String call, final int errno)
    {
        return new NativeException(call, errno, Native.strerror(errno));
    }
}
