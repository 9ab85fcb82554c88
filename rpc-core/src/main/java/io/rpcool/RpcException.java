package io.rpcool;

/**
 * A call failed; {@link #status()} says why. Thrown by synchronous calls and handed to callbacks
 * of asynchronous ones. A successful call never allocates one.
 */
public class RpcException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final Status status;

    public RpcException(final Status status, final String message)
    {
        super(status + ": " + message);
        this.status = status;
    }

    public RpcException(final Status status, final String message, final Throwable cause)
    {
        super(status + ": " + message, cause);
        this.status = status;
    }

    public Status status()
    {
        return status;
    }
}
