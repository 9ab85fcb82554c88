package io.rpcool.bench.fork;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Server side of the {@link ForkProtocol}.
 * <pre>
 *   public static void main(String[] args) {
 *       Path scratch = ServerSupport.scratchDir(args);
 *       Server server = ...start serving...;
 *       ServerSupport.serve(server.endpoint(), server);   // READY, wait for shutdown, close, exit
 *   }
 * </pre>
 */
public final class ServerSupport
{
    private ServerSupport()
    {
    }

    /**
     * @param args  the server main's arguments.
     * @return the private scratch directory the harness gave this server (created if missing); it is
     * deleted by the harness after the run.
     */
    public static Path scratchDir(final String[] args)
    {
        if (args.length < 1)
        {
            throw new IllegalArgumentException("usage: <server-main> <scratch-dir>");
        }
        try
        {
            return Files.createDirectories(Path.of(args[0]));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Tell the harness that clients may connect.
     *
     * @param endpoint  what the client main needs to connect; one line.
     */
    public static void ready(final String endpoint)
    {
        System.out.println(ForkProtocol.readyLine(endpoint));
        System.out.flush();
    }

    /**
     * Block until the harness closes this JVM's stdin, which it does to stop the server (and which
     * also happens when the harness dies).
     */
    public static void awaitShutdown()
    {
        final InputStream in = System.in;
        final byte[] sink = new byte[64];
        try
        {
            int read;
            do
            {
                read = in.read(sink); // blocks: the harness never writes, it only closes
            }
            while (read >= 0);
        }
        catch (final IOException ignore)
        {
            // stdin gone: treat as shutdown
        }
    }

    /**
     * Print {@code READY endpoint}, wait for shutdown, close the server and exit the JVM, which also
     * ends any serving threads.
     *
     * @param endpoint  endpoint to announce.
     * @param server    resources to close on shutdown.
     */
    public static void serve(final String endpoint, final AutoCloseable server)
    {
        ready(endpoint);
        awaitShutdown();
        int status = 0;
        try
        {
            server.close();
        }
        catch (final Exception ex)
        {
            ex.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /**
     * Report a failed start and exit non-zero; the harness then sees the server exit without
     * {@code READY}.
     *
     * @param cause  why the server could not start.
     */
    public static void fail(final Throwable cause)
    {
        cause.printStackTrace();
        System.exit(1);
    }
}
