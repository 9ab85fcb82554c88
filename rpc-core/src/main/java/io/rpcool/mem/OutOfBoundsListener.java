package io.rpcool.mem;

/**
 * Told of every access a {@link RegionSet} rejects, before the rejection is thrown.
 */
@FunctionalInterface
public interface OutOfBoundsListener
{
    /**
     * @param address first address of the rejected access.
     * @param length  length of the rejected access.
     */
    void onOutOfBounds(long address, long length);
}
