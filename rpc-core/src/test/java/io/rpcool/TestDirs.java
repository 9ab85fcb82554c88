package io.rpcool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh daemon directory per test, so tests never share a daemon by accident.
 */
public final class TestDirs
{
    private TestDirs()
    {
    }

    public static Path fresh(final String name)
    {
        try
        {
            return Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-test-" + name + "-");
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e);
        }
    }

    public static RpcoolContext context(final Path dir)
    {
        return new RpcoolContext().directory(dir).idleMode(RpcoolContext.IdleMode.SPIN).callTimeoutMs(10_000);
    }
}
