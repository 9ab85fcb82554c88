package io.rpcool.harness.jvm;

/**
 * A child JVM did not do what was awaited in time, could not be started, or could not be told
 * something: the message names the child and says what it printed last.
 */
public final class ChildJvmException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message  what went wrong, with the child's name.
     */
    public ChildJvmException(final String message)
    {
        super(message);
    }

    /**
     * @param message  what went wrong, with the child's name.
     * @param cause    the underlying failure.
     */
    public ChildJvmException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
