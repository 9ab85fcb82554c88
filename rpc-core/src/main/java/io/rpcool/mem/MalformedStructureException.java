package io.rpcool.mem;

/**
 * A structure in shared memory is internally inconsistent: a size beyond its capacity, a negative
 * or impossible length, a cycle where a tree was promised, or a traversal that exceeded its
 * {@link TraversalLimits}.
 */
public final class MalformedStructureException extends SharedMemoryException
{
    public MalformedStructureException(final String message)
    {
        super(message);
    }
}
