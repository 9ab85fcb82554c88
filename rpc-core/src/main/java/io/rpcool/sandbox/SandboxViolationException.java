package io.rpcool.sandbox;

/**
 * Code running in a sandbox reached for memory outside the sandbox's region. A server turns it
 * into a {@code Status.SANDBOX_VIOLATION} reply and keeps serving.
 * <p>
 * {@link Kind#BOUNDS}: a read or write through the sandbox's views was refused before any byte was
 * touched. {@link Kind#PROTECTION_KEY}: an access that bypassed the views hit memory whose
 * protection key the sandbox does not hold; the hardware layer noticed it (see
 * {@link SandboxProvider}).
 */
public final class SandboxViolationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** How the violation was noticed. */
    public enum Kind
    {
        /** Refused by the bounded views before the access. */
        BOUNDS,
        /** Caught by a memory protection key fault. */
        PROTECTION_KEY
    }

    private final Kind kind;
    private final long address;
    private final long length;

    public SandboxViolationException(final Kind kind, final long address, final long length, final String region,
        final Throwable cause)
    {
        super("sandbox violation (" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): access [0x" +
            Long.toHexString(address) + ", +" + length + ") outside " + region, cause);
        this.kind = kind;
        this.address = address;
        this.length = length;
    }

    public Kind kind()
    {
        return kind;
    }

    /** First address of the first access that left the sandbox. */
    public long address()
    {
        return address;
    }

    /** Length of that access (1 when a protection key fault reported it: the faulting byte). */
    public long length()
    {
        return length;
    }
}
