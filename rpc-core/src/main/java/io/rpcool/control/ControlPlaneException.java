package io.rpcool.control;

/**
 * The control plane refused a request or could not be reached. {@link #reason()} says which.
 */
public final class ControlPlaneException extends RuntimeException
{
    public static final int UNREACHABLE = 1;
    public static final int CHANNEL_EXISTS = 2;
    public static final int NO_SUCH_HEAP = 3;
    public static final int POOL_FULL = 4;
    public static final int FAILED = 5;
    /**
     * This host fenced itself: it has not heard from the cluster for so long that its session (and
     * every lease it holds) may expire, so it creates, opens and takes no heap until its session is
     * proven again ({@link ClusterSettings} states the timing).
     */
    public static final int FENCED = 6;
    /** This host holds no lease on the heap whose memory was asked for: its daemon does not map it. */
    public static final int NO_LEASE = 7;

    private final int reason;

    public ControlPlaneException(final int reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    public ControlPlaneException(final int reason, final String message, final Throwable cause)
    {
        super(message, cause);
        this.reason = reason;
    }

    public int reason()
    {
        return reason;
    }
}
