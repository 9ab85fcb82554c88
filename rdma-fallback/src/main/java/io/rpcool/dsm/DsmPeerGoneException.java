package io.rpcool.dsm;

/**
 * An access to a DSM page that the peer owned when it died, closed the heap or broke the
 * protocol: the page is gone for good. Pages this side owned stay usable.
 */
public final class DsmPeerGoneException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final long address;

    DsmPeerGoneException(final long address, final String reason, final Throwable cause)
    {
        super(String.format("DSM page at 0x%x is lost: %s", address & ~(DsmHeap.PAGE_SIZE - 1), reason), cause);
        this.address = address;
    }

    /** The address whose access failed. */
    public long address()
    {
        return address;
    }
}
