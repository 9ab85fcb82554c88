package io.rpcool.mem;

/**
 * An access {@code [address, address + length)} that does not lie entirely inside any region of
 * the {@link RegionSet} it went through. Raised before any byte is touched.
 */
public final class SharedMemoryBoundsException extends SharedMemoryException
{
    private final long address;
    private final long length;
    private final String regions;

    public SharedMemoryBoundsException(final long address, final long length, final String regions)
    {
        super("access [0x" + Long.toHexString(address) + ", +" + length + ") lies outside " + regions);
        this.address = address;
        this.length = length;
        this.regions = regions;
    }

    /**
     * @return first address of the rejected access.
     */
    public long address()
    {
        return address;
    }

    /**
     * @return length in bytes of the rejected access.
     */
    public long length()
    {
        return length;
    }

    /**
     * @return description of the regions the access was checked against.
     */
    public String regions()
    {
        return regions;
    }
}
