package io.rpcool.nativeio;

import static io.rpcool.nativeio.Native.*;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An {@code eventfd(2)}: the way another thread wakes a conductor that sleeps in {@code poll(2)}
 * ({@link PollSet}) when it hands the conductor work. Non-blocking; signals coalesce.
 */
public final class EventFd implements AutoCloseable
{
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;

    private final int fd;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final UnsafeBuffer drainScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private volatile boolean closed;

    public EventFd()
    {
        this.fd = (int)check(libc().eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd");
    }

    public int fd()
    {
        return fd;
    }

    /** Make the descriptor readable (wake the thread polling it). Any thread. */
    public synchronized void signal()
    {
        if (!closed)
        {
            scratch.putLong(0, 1);
            libc().write(fd, scratch.addressOffset(), 8);
        }
    }

    /** Consume the signals so far (the polling thread, once woken). */
    public void drain()
    {
        if (!closed)
        {
            libc().read(fd, drainScratch.addressOffset(), 8);
        }
    }

    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            libc().close(fd);
        }
    }
}
