package io.rpcool.bench.systems.uds;

import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Client of {@code java-uds}: a blocking {@link SocketChannel} writing an 8-byte request and reading
 * the 8-byte echo, through preallocated direct buffers.
 */
public final class JavaUdsClient implements RpcClient
{
    private final SocketChannel channel;
    private final ByteBuffer request = ByteBuffer.allocateDirect(JavaUdsServer.MESSAGE_LENGTH);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(JavaUdsServer.MESSAGE_LENGTH);

    JavaUdsClient(final String socketPath) throws IOException
    {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(Path.of(socketPath)));
    }

    public static void main(final String[] args)
    {
        ClientSupport.run(args, JavaUdsClient::new);
    }

    @Override
    public long call(final long value) throws IOException
    {
        request.clear();
        request.putLong(0, value);
        while (request.hasRemaining())
        {
            channel.write(request);
        }
        reply.clear();
        while (reply.hasRemaining())
        {
            if (channel.read(reply) < 0)
            {
                throw new EOFException("server closed the socket");
            }
        }
        return reply.getLong(0);
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
