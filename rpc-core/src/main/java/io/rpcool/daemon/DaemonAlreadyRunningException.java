package io.rpcool.daemon;

import java.nio.file.Path;

/**
 * A daemon already serves the directory.
 */
public final class DaemonAlreadyRunningException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DaemonAlreadyRunningException(final Path directory)
    {
        super("a daemon is already running in " + directory + " (see " + directory.resolve(ControlProtocol.LOCK_NAME) + " for its pid)");
    }
}
