package io.rpcool.bench.systems.shm;

import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * Client of {@code raw-shm-pingpong}: writes the request line and spins on the reply line.
 */
public final class RawShmPingPongClient implements RpcClient
{
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;

    RawShmPingPongClient(final String path)
    {
        mapped = IoUtil.mapExistingFile(new File(path), "raw-shm-pingpong");
        buffer = new UnsafeBuffer(mapped);
        PingPongDescriptor.checkVersion(buffer);
    }

    public static void main(final String[] args)
    {
        ClientSupport.run(args, RawShmPingPongClient::new);
    }

    @Override
    public long call(final long request)
    {
        final UnsafeBuffer buffer = this.buffer;
        buffer.putLongRelease(PingPongDescriptor.REQUEST_OFFSET, request);
        long reply;
        while ((reply = buffer.getLongAcquire(PingPongDescriptor.REPLY_OFFSET)) != request)
        {
            Thread.onSpinWait();
        }
        return reply;
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
