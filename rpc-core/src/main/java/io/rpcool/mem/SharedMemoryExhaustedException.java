package io.rpcool.mem;

/**
 * Raised by {@link Allocator#allocateOrThrow(long)} when an allocator has no room left. Hot paths
 * use {@link Allocator#allocate(long)}, which returns {@link Allocator#NULL_ADDRESS} instead, so the
 * caller can add another heap and retry.
 */
public final class SharedMemoryExhaustedException extends SharedMemoryException
{
    private final long length;

    public SharedMemoryExhaustedException(final long length, final String allocator)
    {
        super("no room for " + length + " bytes in " + allocator);
        this.length = length;
    }

    /**
     * @return the requested length that could not be satisfied.
     */
    public long length()
    {
        return length;
    }
}
