package io.rpcool.bench.systems.shm;

import io.rpcool.bench.fork.ServerSupport;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Server of {@code raw-shm-pingpong}: maps a fresh file in the scratch directory and echoes the
 * request line into the reply line, busy-spinning with {@link Thread#onSpinWait()}.
 * <p>
 * After about {@value #QUIET_SPINS} polls without a request (a fraction of a second, so never during a
 * measurement) it parks {@value #IDLE_PARK_NS} ns between polls, so a server waiting for its client's
 * JVM to start does not take a core away from it.
 */
public final class RawShmPingPongServer
{
    static final long QUIET_SPINS = 1L << 24;
    static final long IDLE_PARK_NS = 50_000;

    private RawShmPingPongServer()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final Path scratch = ServerSupport.scratchDir(args);
            final File file = scratch.resolve("pingpong.shm").toFile();
            final MappedByteBuffer mapped = IoUtil.mapNewFile(file, PingPongDescriptor.FILE_LENGTH);
            final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
            PingPongDescriptor.initialise(buffer);

            final Echo echo = new Echo(buffer);
            final Thread thread = new Thread(echo, "raw-shm-echo");
            thread.setDaemon(true);
            thread.start();

            ServerSupport.serve(file.getAbsolutePath(), () ->
            {
                echo.running = false;
                thread.join(1000);
                IoUtil.unmap(mapped);
                IoUtil.deleteIfExists(file);
            });
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }

    private static final class Echo implements Runnable
    {
        private final UnsafeBuffer buffer;
        volatile boolean running = true;

        Echo(final UnsafeBuffer buffer)
        {
            this.buffer = buffer;
        }

        @Override
        public void run()
        {
            final UnsafeBuffer buffer = this.buffer;
            long last = 0;
            long idleSpins = 0;
            while (running)
            {
                final long request = buffer.getLongAcquire(PingPongDescriptor.REQUEST_OFFSET);
                if (request != last)
                {
                    buffer.putLongRelease(PingPongDescriptor.REPLY_OFFSET, request);
                    last = request;
                    idleSpins = 0;
                }
                else if (++idleSpins < QUIET_SPINS)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(IDLE_PARK_NS);
                }
            }
        }
    }
}
