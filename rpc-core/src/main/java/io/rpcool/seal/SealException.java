package io.rpcool.seal;

/**
 * A seal could not be made or released. {@link #reason()} says why; the message names the seal.
 */
public class SealException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** Why a seal operation failed. */
    public enum Reason
    {
        /** The receiver has not marked the seal complete yet: it may still read the buffer. */
        NOT_COMPLETE,
        /** No such seal is held (never made, already released, or a stale id). */
        UNKNOWN_SEAL,
        /** The range overlaps a seal that is still held. */
        OVERLAPS,
        /** No free seal descriptor. */
        NO_SPACE,
        /** This process or attachment lacks the right to do this. */
        NOT_PERMITTED,
        /** The backend is not usable here. */
        UNAVAILABLE,
        /** Anything else (the message carries the system error). */
        FAILED
    }

    private final Reason reason;

    public SealException(final Reason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    public SealException(final Reason reason, final String message, final Throwable cause)
    {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason()
    {
        return reason;
    }
}
