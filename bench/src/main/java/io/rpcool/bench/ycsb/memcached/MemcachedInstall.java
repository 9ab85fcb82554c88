package io.rpcool.bench.ycsb.memcached;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Finds Debian's memcached, installing it with {@code bench/ycsb/install-memcached.sh} (apt-get, as
 * root) when it is missing.
 */
final class MemcachedInstall
{
    static final String SCRIPT = "bench/ycsb/install-memcached.sh";
    private static final long INSTALL_TIMEOUT_MS = 600_000;
    private static final Path[] BIN_DIRS = {Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin")};

    private MemcachedInstall()
    {
    }

    /** @return the memcached binary's path. */
    static synchronized String ensure() throws IOException, InterruptedException
    {
        final Path found = find();
        if (found != null)
        {
            return found.toString();
        }
        final Path script = script();
        final Process install = new ProcessBuilder("bash", script.toString()).inheritIO().start();
        if (!install.waitFor(INSTALL_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            install.destroyForcibly();
            throw new IOException(script + " did not finish within " + INSTALL_TIMEOUT_MS + " ms");
        }
        final Path installed = find();
        if (install.exitValue() != 0 || installed == null)
        {
            throw new IOException("memcached is missing and " + script + " could not install it (exit " + install.exitValue() + ")");
        }
        return installed.toString();
    }

    private static Path find()
    {
        for (final Path dir : BIN_DIRS)
        {
            final Path p = dir.resolve("memcached");
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    /** The script, from the project root or from the bench module (where tests run). */
    private static Path script() throws IOException
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            final Path candidate = dir.resolve(SCRIPT);
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IOException("memcached is missing and " + SCRIPT + " was not found above " + Path.of("").toAbsolutePath());
    }
}
