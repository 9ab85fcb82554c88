package io.rpcool.nativeio;

/**
 * A system call failed. Carries the errno so callers can react to specific causes
 * ({@link Errno#EEXIST} for an address clash, {@link Errno#ECONNREFUSED} for a dead daemon).
 */
public final class NativeException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    public NativeException(final String call, final int errno, final String description)
    {
        super(call + " failed: " + description + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno()
    {
        return errno;
    }
}
