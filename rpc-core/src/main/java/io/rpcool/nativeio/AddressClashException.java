package io.rpcool.nativeio;

/**
 * A heap could not be mapped at its assigned address because something else is mapped there.
 * The address space stays untouched: rpc-core never maps over an existing mapping.
 */
public final class AddressClashException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final long address;

    public AddressClashException(final long address, final long length)
    {
        super(String.format(
            "cannot map heap at 0x%x (%d bytes): the range is already in use in this process " +
            "(MAP_FIXED_NOREPLACE refused it); heap addresses are assigned by the daemon and must be free in every process",
            address, length));
        this.address = address;
    }

    public long address()
    {
        return address;
    }
}
