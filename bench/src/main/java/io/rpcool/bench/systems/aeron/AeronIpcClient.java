package io.rpcool.bench.systems.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Client of {@code aeron-ipc}: offers an 8-byte ping and busy-spins polling the pong stream.
 */
public final class AeronIpcClient implements RpcClient, FragmentHandler
{
    private final Aeron aeron;
    private final ExclusivePublication ping;
    private final Subscription pong;
    private final UnsafeBuffer message = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(AeronIpc.MESSAGE_LENGTH, 2 * BitUtil.CACHE_LINE_LENGTH));
    private final BusySpinIdleStrategy idle = new BusySpinIdleStrategy();
    private long reply;
    private boolean replied;

    AeronIpcClient(final String aeronDir)
    {
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        ping = aeron.addExclusivePublication(AeronIpc.CHANNEL, AeronIpc.PING_STREAM_ID);
        pong = aeron.addSubscription(AeronIpc.CHANNEL, AeronIpc.PONG_STREAM_ID);
        AeronIpc.awaitConnected(ping::isConnected, idle, "the ping subscription");
        AeronIpc.awaitConnected(pong::isConnected, idle, "the pong publication");
    }

    public static void main(final String[] args)
    {
        ClientSupport.run(args, AeronIpcClient::new);
    }

    @Override
    public long call(final long request)
    {
        message.putLong(0, request);
        while (ping.offer(message, 0, AeronIpc.MESSAGE_LENGTH) < 0)
        {
            idle.idle();
        }
        replied = false;
        while (!replied)
        {
            idle.idle(pong.poll(this, 1));
        }
        return reply;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        reply = buffer.getLong(offset);
        replied = true;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(ping, pong, aeron);
    }
}
