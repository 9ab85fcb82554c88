package io.rpcool.mem;

/**
 * A structure in shared memory does not carry the type tag (or version, or record fingerprint)
 * that the reader expected: a pointer to one kind of object was read as another.
 */
public final class SharedTypeException extends SharedMemoryException
{
    public SharedTypeException(final String message)
    {
        super(message);
    }
}
