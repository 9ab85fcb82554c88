package io.rpcool.mem;

/**
 * Base of every error raised while reading or writing structures in shared memory.
 * <p>
 * Shared memory is written by other processes that may be buggy or hostile, so a malformed
 * structure is reported through one of these exceptions rather than by crashing the reader or by
 * reading memory outside the regions it was handed.
 */
public class SharedMemoryException extends RuntimeException
{
    public SharedMemoryException(final String message)
    {
        super(message);
    }

    public SharedMemoryException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
