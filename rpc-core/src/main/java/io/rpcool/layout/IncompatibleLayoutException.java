package io.rpcool.layout;

/**
 * A process attached to shared memory whose layout it does not understand.
 */
public final class IncompatibleLayoutException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public IncompatibleLayoutException(final String message)
    {
        super(message);
    }
}
