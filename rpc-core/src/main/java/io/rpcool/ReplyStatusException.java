package io.rpcool;

/**
 * Thrown by a handler to end its call with a status of its choice instead of
 * {@link Status#HANDLER_FAILED}: any status a server may send ({@link Status#fromWire(int)} knows it),
 * e.g. {@link Status#MALFORMED_REQUEST} for arguments that do not decode or
 * {@link Status#DEADLINE_EXCEEDED} for a call whose deadline passed. The message is the reply's text.
 */
public class ReplyStatusException extends RpcException
{
    private static final long serialVersionUID = 1L;

    private final String reason;

    public ReplyStatusException(final Status status, final String message)
    {
        super(status, message);
        this.reason = message;
    }

    public ReplyStatusException(final Status status, final String message, final Throwable cause)
    {
        super(status, message, cause);
        this.reason = message;
    }

    /** The reply text: the message alone, without the class name or the status (the reply carries that). */
    @Override
    public String toString()
    {
        return reason;
    }
}
