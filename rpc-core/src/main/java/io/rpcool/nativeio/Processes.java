package io.rpcool.nativeio;

import static io.rpcool.nativeio.Native.*;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Watching other processes for exit. A pidfd refers to one process for its whole life, so a
 * recycled pid is never mistaken for the process that was watched.
 */
public final class Processes
{
    private Processes()
    {
    }

    /**
     * @return a pidfd for {@code pid}, or -1 if the process is already gone or pidfds are not
     * supported (then {@link #isAlive(int, int)} falls back to {@code kill(pid, 0)}).
     */
    public static int openPidfd(final int pid)
    {
        final long fd = libc().syscall(SYS_PIDFD_OPEN, pid, 0);
        return fd < 0 ? -1 : (int)fd;
    }

    /**
     * @param pidfd from {@link #openPidfd(int)} or -1.
     * @return false once the process has exited.
     */
    public static boolean isAlive(final int pid, final int pidfd)
    {
        if (pidfd >= 0)
        {
            final UnsafeBuffer pollfd = POLLFD.get();
            pollfd.putInt(0, pidfd);
            pollfd.putShort(4, (short)POLLIN);
            pollfd.putShort(6, (short)0);
            final int n = libc().poll(pollfd.addressOffset(), 1, 0);
            return n <= 0 || (pollfd.getShort(6) & POLLIN) == 0;
        }
        return libc().kill(pid, 0) == 0 || errno() != Errno.ESRCH;
    }

    private static final ThreadLocal<UnsafeBuffer> POLLFD =
        ThreadLocal.withInitial(() -> new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64)));
}
