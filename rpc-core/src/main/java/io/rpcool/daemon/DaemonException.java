package io.rpcool.daemon;

/**
 * The daemon refused a request, or could not be reached. {@link #code()} is one of the
 * {@code E_*} codes of {@link ControlProtocol}.
 */
public final class DaemonException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int code;

    public DaemonException(final int code, final String message)
    {
        super(message);
        this.code = code;
    }

    public int code()
    {
        return code;
    }
}
