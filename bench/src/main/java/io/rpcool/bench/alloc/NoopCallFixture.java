package io.rpcool.bench.alloc;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A no-op call over an in-process channel and connection: one JVM embeds the daemon in a private
 * directory, opens a channel served by one handler thread (an 8-byte echo, like the {@code noop}
 * suite's server) and connects to it over shared memory or through the TCP fallback. Waiting is
 * pinned to spinning, as in the {@code rpcool-shm-relaxed} system.
 * <pre>
 *   try (NoopCallFixture fixture = NoopCallFixture.open(NoopCallFixture.Kind.SHM)) {
 *       long reply = fixture.call(42);     // the handler thread echoes 42
 *   }
 * </pre>
 * The caller's thread is the client; the server runs on threads named {@link #SHM_SERVER_THREAD_PREFIX}
 * (shared memory) and {@link #TCP_SERVER_THREAD_PREFIX} (TCP fallback), and the TCP client's event
 * loop on {@link #TCP_CLIENT_THREAD_PREFIX}.
 */
public final class NoopCallFixture implements AutoCloseable
{
    /**
     * Handler threads of a channel's shared-memory connections.
     */
    public static final String SHM_SERVER_THREAD_PREFIX = "rpcool-handler-";

    /**
     * Event loops of a channel's TCP fallback listener, where its handlers run.
     */
    public static final String TCP_SERVER_THREAD_PREFIX = "rpcool-tcp-handler";

    /**
     * Event loop of the process's TCP fallback connections.
     */
    public static final String TCP_CLIENT_THREAD_PREFIX = "rpcool-tcp-client";

    static final String CHANNEL = "/bench/alloc";
    public static final int ECHO = 1;

    /**
     * Transport of the fixture's connection.
     */
    public enum Kind
    {
        /** Shared memory: the {@code rpcool-shm-relaxed} system. */
        SHM("rpcool-shm-relaxed"),
        /** The copy-based TCP fallback over loopback: the {@code rpcool-tcp-fallback} system. */
        TCP("rpcool-tcp-fallback");

        private final String systemName;

        Kind(final String systemName)
        {
            this.systemName = systemName;
        }

        /**
         * @return name of the multi-process system with the same transport, used in result records.
         */
        public String systemName()
        {
            return systemName;
        }

        /**
         * @param name  {@code shm} or {@code tcp}, any case.
         * @return the kind.
         */
        public static Kind parse(final String name)
        {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final Path directory;
    private final Rpcool rpcool;
    private final Channel channel;
    private final Connection connection;
    private final ClientCall call;

    private NoopCallFixture(final Path directory, final Rpcool rpcool, final Channel channel, final Connection connection)
    {
        this.channel = channel;
        this.directory = directory;
        this.rpcool = rpcool;
        this.connection = connection;
        this.call = connection.newCall(ECHO);
    }

    /**
     * @param kind  transport of the connection.
     * @return a fixture ready for calls; close it to stop the server and delete its directory.
     */
    public static NoopCallFixture open(final Kind kind)
    {
        final Path directory = freshDirectory();
        Rpcool rpcool = null;
        try
        {
            rpcool = Rpcool.launch(new RpcoolContext()
                .directory(directory)
                .processName("bench-alloc")
                .daemonMode(RpcoolContext.DaemonMode.EMBEDDED)
                .idleMode(RpcoolContext.IdleMode.SPIN));
            final Channel channel = rpcool.openChannel(CHANNEL, ChannelOptions.defaults().handlerThreads(1));
            channel.register(ECHO, serverCall ->
            {
                serverCall.reply().putLong(0, serverCall.request().getLong(0));
                serverCall.replyLength(8);
            });
            final Connection connection = kind == Kind.SHM ? rpcool.connect(CHANNEL) :
                rpcool.connect(CHANNEL, ConnectOptions.remote("127.0.0.1", channel.tcpPort()).transport(Transport.TCP));
            final Transport expected = kind == Kind.SHM ? Transport.SHARED_MEMORY : Transport.TCP;
            if (connection.transport() != expected)
            {
                connection.close();
                throw new IllegalStateException("expected a " + expected + " connection, got " + connection.transport());
            }
            return new NoopCallFixture(directory, rpcool, channel, connection);
        }
        catch (final RuntimeException ex)
        {
            if (rpcool != null)
            {
                rpcool.close();
            }
            deleteRecursively(directory);
            throw ex;
        }
    }

    /**
     * One synchronous no-op call: the request is written in place, the reply read in place.
     *
     * @param request  8-byte request.
     * @return the echoed reply.
     */
    public long call(final long request)
    {
        call.request().putLong(0, request);
        call.invoke(8);
        return call.reply().getLong(0);
    }

    /**
     * @return the connection the fixture's calls go through.
     */
    public Connection connection()
    {
        return connection;
    }

    /**
     * @return the channel the fixture serves (its handler thread is the server).
     */
    public Channel channel()
    {
        return channel;
    }

    /**
     * @return the connection's transport.
     */
    public Transport transport()
    {
        return connection.transport();
    }

    @Override
    public void close()
    {
        try
        {
            call.close();
            connection.close();
            rpcool.close();
        }
        finally
        {
            deleteRecursively(directory);
        }
    }

    private static Path freshDirectory()
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ?
                Files.createTempDirectory(shm, "rpcool-bench-alloc-") : Files.createTempDirectory("rpcool-bench-alloc-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteRecursively(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ignore)
        {
            // best effort: the directory lives in /dev/shm or the temporary directory
        }
    }
}
