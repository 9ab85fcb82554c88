package io.rpcool.nativeio;

import static io.rpcool.nativeio.Native.*;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A set of file descriptors to wait on with {@code poll(2)}: the way a conductor sleeps until a
 * socket it serves has something to read, or its next timer is due. Owned by one thread.
 *
 * <pre>
 *  struct pollfd (8 bytes each)
 *  0 fd (4) | 4 events (2) | 6 revents (2)
 * </pre>
 */
public final class PollSet
{
    private static final int POLLFD_LENGTH = 8;
    private static final int POLLERR = 0x8;
    private static final int POLLHUP = 0x10;
    private static final int POLLNVAL = 0x20;

    private UnsafeBuffer fds = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * POLLFD_LENGTH, 64));
    private int count;

    /** Start over with no descriptors. */
    public PollSet clear()
    {
        count = 0;
        return this;
    }

    /** Wait for {@code fd} to become readable (or to hang up). */
    public PollSet add(final int fd)
    {
        if ((count + 1) * POLLFD_LENGTH > fds.capacity())
        {
            final UnsafeBuffer bigger = new UnsafeBuffer(BufferUtil.allocateDirectAligned(fds.capacity() * 2, 64));
            bigger.putBytes(0, fds, 0, count * POLLFD_LENGTH);
            fds = bigger;
        }
        final int offset = count * POLLFD_LENGTH;
        fds.putInt(offset, fd);
        fds.putShort(offset + 4, (short)POLLIN);
        fds.putShort(offset + 6, (short)0);
        count++;
        return this;
    }

    public int size()
    {
        return count;
    }

    /**
     * Block until a descriptor is readable or {@code timeoutMs} passes (0: do not block).
     *
     * @return the number of descriptors with events.
     */
    public int await(final int timeoutMs)
    {
        final int n = libc().poll(fds.addressOffset(), count, timeoutMs);
        if (n < 0)
        {
            final int errno = errno();
            if (errno == Errno.EINTR)
            {
                return 0;
            }
            throw Errno.exception("poll", errno);
        }
        return n;
    }

    /** True if descriptor {@code index} (in the order added) is readable or hung up after {@link #await}. */
    public boolean isReady(final int index)
    {
        return (fds.getShort(index * POLLFD_LENGTH + 6) & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) != 0;
    }
}
