package io.rpcool;

/**
 * Why a call failed. Codes below 64 travel in response lines and TCP frames; the rest arise on the
 * calling side, except {@link #DEADLINE_EXCEEDED}, which a server also sends when a call's deadline
 * (carried by typed service calls) passed before or while it was served.
 */
public enum Status
{
    OK(0),
    /** No handler is registered for the function id on the server's channel. */
    UNKNOWN_FUNCTION(1),
    /** The handler threw; the message carries what it threw. */
    HANDLER_FAILED(2),
    /** The server could not accept the request entry (bad slot, length or flags). */
    MALFORMED_REQUEST(3),
    /** The handler wrote a reply longer than the reply buffer. */
    REPLY_TOO_LARGE(4),
    /** The server refused the call, e.g. it requires a property the call lacks. */
    REJECTED(5),
    /**
     * The handler ran in a sandbox and tried to read or write shared memory outside the sandbox's
     * region (a wild or hostile pointer); its reply was discarded.
     */
    SANDBOX_VIOLATION(6),
    /** The response did not follow the protocol. */
    MALFORMED_REPLY(64),
    /** The other end of the connection exited or closed it. */
    PEER_GONE(65),
    /** This end closed the connection. */
    CONNECTION_CLOSED(66),
    /** No reply before the deadline. */
    DEADLINE_EXCEEDED(67),
    /** The request is larger than the connection's buffers. */
    REQUEST_TOO_LARGE(68),
    /** The transport failed (for TCP: an I/O error). */
    TRANSPORT_FAILED(69),
    /** No call slot of the connection became free before the deadline. */
    RESOURCE_EXHAUSTED(70),
    /**
     * The connection can no longer be used safely (its shared state was corrupted, or its server
     * stopped answering so that no slot could be reused); it refuses every call. Open a new one.
     */
    CONNECTION_BROKEN(71),
    /**
     * This process's host fenced itself: its session with the cluster's orchestrator may expire, and
     * with it the leases on the heaps of the connection, whose addresses the cluster may then give to
     * another heap. The connection's memory was unmapped and it refuses every call; connect again (the
     * daemon refuses new connections over the pool until the host's session answers again).
     */
    FENCED(72);

    private static final Status[] BY_CODE = new Status[128];

    static
    {
        for (final Status s : values())
        {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    Status(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /**
     * The status a server replies with when a handler ends with {@code failure}:
     * the status of a {@link ReplyStatusException} if a server may send it, {@link #SANDBOX_VIOLATION} for a
     * sandbox violation, {@link #HANDLER_FAILED} for anything else.
     */
    public static Status ofHandlerFailure(final Throwable failure)
    {
        if (failure instanceof ReplyStatusException && fromWire(((ReplyStatusException)failure).status().code()) != null)
        {
            return ((ReplyStatusException)failure).status();
        }
        return failure instanceof io.rpcool.sandbox.SandboxViolationException ? SANDBOX_VIOLATION : HANDLER_FAILED;
    }

    /**
     * @return the status of a code received from a peer, or null if it is not one a server sends.
     */
    public static Status fromWire(final int code)
    {
        return code >= 0 && code < 64 || code == DEADLINE_EXCEEDED.code ? BY_CODE[code] : null;
    }
}
