package io.rpcool.bench.systems.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.rpcool.bench.fork.ServerSupport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.file.Path;

/**
 * Server of {@code aeron-ipc}: an embedded media driver plus a pong loop that echoes every ping
 * message from the ping stream onto the pong stream.
 * <p>
 * The driver runs in shared mode with a backoff idle strategy: on IPC, messages go straight between
 * the publication's and the subscription's log buffers, and the driver only does bookkeeping. The
 * pong loop spins ({@link Thread#onSpinWait()}, as {@code BusySpinIdleStrategy}) while pings arrive
 * and backs off only after ~16M empty polls, a fraction of a second, so never during a measurement.
 */
public final class AeronIpcServer implements FragmentHandler
{
    private final ExclusivePublication pong;
    private final BusySpinIdleStrategy offerIdle = new BusySpinIdleStrategy();

    private AeronIpcServer(final ExclusivePublication pong)
    {
        this.pong = pong;
    }

    public static void main(final String[] args)
    {
        try
        {
            final Path scratch = ServerSupport.scratchDir(args);
            final String aeronDir = scratch.resolve("aeron").toString();
            final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                .ipcTermBufferLength(AeronIpc.IPC_TERM_BUFFER_LENGTH)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            final Subscription ping = aeron.addSubscription(AeronIpc.CHANNEL, AeronIpc.PING_STREAM_ID);
            final ExclusivePublication pong = aeron.addExclusivePublication(AeronIpc.CHANNEL, AeronIpc.PONG_STREAM_ID);

            final AeronIpcServer server = new AeronIpcServer(pong);
            final Thread loop = new Thread(() -> server.pongLoop(ping), "aeron-pong");
            loop.setDaemon(true);
            loop.start();

            ServerSupport.serve(aeronDir, () ->
            {
                loop.interrupt();
                loop.join(1000);
                CloseHelper.closeAll(ping, pong, aeron, driver);
            });
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }

    private void pongLoop(final Subscription ping)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1L << 24, 10, 1_000, 50_000);
        final SleepingMillisIdleStrategy waitForClient = new SleepingMillisIdleStrategy(1);
        while (!Thread.currentThread().isInterrupted())
        {
            if (!ping.isConnected())
            {
                waitForClient.idle();
                continue;
            }
            idle.idle(ping.poll(this, 1));
        }
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        while (pong.offer(buffer, offset, length) < 0)
        {
            offerIdle.idle();
        }
    }
}
