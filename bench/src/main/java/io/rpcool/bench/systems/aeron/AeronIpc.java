package io.rpcool.bench.systems.aeron;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Channel, streams and sizes shared by the {@code aeron-ipc} server and client.
 */
final class AeronIpc
{
    static final String CHANNEL = "aeron:ipc";
    static final int PING_STREAM_ID = 1001;
    static final int PONG_STREAM_ID = 1002;
    static final int MESSAGE_LENGTH = 8;

    /**
     * 4 MiB terms. The three terms (12 MiB, ~200k 64-byte frames) are touched several times over
     * during warm-up, so page faults on fresh log-buffer pages stay out of the measurement, while the
     * publication window (half a term, ~32k frames, several milliseconds of ping-pong) is large enough
     * that the driver conductor, which advances publication limits for IPC, never throttles it.
     */
    static final int IPC_TERM_BUFFER_LENGTH = 4 * 1024 * 1024;

    static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private AeronIpc()
    {
    }

    static void awaitConnected(final java.util.function.BooleanSupplier connected, final IdleStrategy idle,
        final String what)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!connected.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            idle.idle();
        }
    }
}
