package io.rpcool.bench.systems.uds;

import io.rpcool.bench.fork.ServerSupport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Server of {@code java-uds}: blocking {@link SocketChannel}s over a Unix domain socket, one thread
 * per connection, echoing every 8-byte request.
 */
public final class JavaUdsServer
{
    static final int MESSAGE_LENGTH = 8;

    private JavaUdsServer()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final Path socket = ServerSupport.scratchDir(args).resolve("uds.sock");
            Files.deleteIfExists(socket);
            final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));

            final Thread acceptor = new Thread(() -> accept(server), "uds-accept");
            acceptor.setDaemon(true);
            acceptor.start();

            ServerSupport.serve(socket.toString(), () ->
            {
                server.close();
                Files.deleteIfExists(socket);
            });
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }

    private static void accept(final ServerSocketChannel server)
    {
        int connections = 0;
        while (server.isOpen())
        {
            try
            {
                final SocketChannel channel = server.accept();
                final Thread echo = new Thread(() -> echo(channel), "uds-echo-" + connections++);
                echo.setDaemon(true);
                echo.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void echo(final SocketChannel channel)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_LENGTH);
        try (channel)
        {
            while (true)
            {
                buffer.clear();
                while (buffer.hasRemaining())
                {
                    if (channel.read(buffer) < 0)
                    {
                        return;
                    }
                }
                buffer.flip();
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
            }
        }
        catch (final IOException ex)
        {
            // client went away
        }
    }
}
