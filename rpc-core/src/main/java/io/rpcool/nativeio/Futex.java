package io.rpcool.nativeio;

import static io.rpcool.nativeio.Native.libc;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

/**
 * {@code futex(2)} on 32-bit words of shared mappings, without {@code FUTEX_PRIVATE_FLAG}, so that
 * a thread of one process sleeps on a word until a thread of another process that maps the same
 * memory wakes it. Every wait carries a timeout: a peer that never wakes the sleeper (gone,
 * hostile) costs it one timeout, never a hang.
 *
 * <p>Bound through {@code syscall(2)} with the x86_64 number; on other architectures, or where the
 * call fails its probe, {@link #isAvailable()} is false with the cause in
 * {@link #unavailabilityCause()}, and waiters fall back to timed parks.
 */
public final class Futex
{
    /** {@code SYS_futex} on x86_64. */
    public static final long SYS_FUTEX_X86_64 = 202;
    public static final int FUTEX_WAIT = 0;
    public static final int FUTEX_WAKE = 1;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final int ETIMEDOUT = 110;

    private static final Throwable UNAVAILABILITY_CAUSE;

    static
    {
        Throwable cause = null;
        try
        {
            final String arch = System.getProperty("os.arch");
            if (!"amd64".equals(arch) && !"x86_64".equals(arch))
            {
                throw new UnsupportedOperationException("futex wake-ups are bound for x86_64 only, this is " + arch);
            }
            Native.ensureAvailability();
            final ByteBuffer probe = BufferUtil.allocateDirectAligned(64, 64);
            final long word = BufferUtil.address(probe);
            final Timespec timeout = new Timespec();
            final long woken = wake(word, 1);
            if (woken != 0)
            {
                throw new IllegalStateException("futex(FUTEX_WAKE) on a fresh word returned " + woken + " (errno " +
                    Native.errno() + ")");
            }
            final long waited = libc().syscall(SYS_FUTEX_X86_64, word, FUTEX_WAIT, 1, timeout.set(1_000L));
            if (waited != -1 || Native.errno() != EAGAIN)
            {
                throw new IllegalStateException("futex(FUTEX_WAIT) with a stale expected value returned " + waited +
                    " (errno " + Native.errno() + "), expected EAGAIN");
            }
        }
        catch (final Throwable t)
        {
            cause = t;
        }
        UNAVAILABILITY_CAUSE = cause;
    }

    /** {@code SYS_sched_setattr} and {@code SYS_sched_getattr} on x86_64. */
    private static final long SYS_SCHED_SETATTR_X86_64 = 314;
    private static final long SYS_SCHED_GETATTR_X86_64 = 315;
    /** {@code struct sched_attr} version 1: 56 bytes; {@code sched_runtime} at byte 24. */
    private static final int SCHED_ATTR_SIZE = 56;
    private static final int SCHED_RUNTIME_OFFSET = 24;
    private static final ThreadLocal<Boolean> SHORT_SLICE = new ThreadLocal<>();

    private Futex()
    {
    }

    /**
     * Ask the scheduler for a short time slice for the calling thread ({@code sched_setattr(2)} with
     * {@code sched_runtime}, honoured for normal threads by the EEVDF scheduler of Linux 6.12 and later):
     * a thread woken from a kernel sleep then preempts a busy thread on its core at once instead of
     * waiting for that thread's slice to end. Once per thread; its policy and nice value stay. Silently
     * does nothing where the call is refused or unknown.
     */
    public static void requestShortSlice(final long sliceNs)
    {
        if (UNAVAILABILITY_CAUSE != null || SHORT_SLICE.get() != null)
        {
            return;
        }
        SHORT_SLICE.set(Boolean.TRUE);
        final ByteBuffer attr = BufferUtil.allocateDirectAligned(64, 64);
        final long address = BufferUtil.address(attr);
        if (libc().syscall(SYS_SCHED_GETATTR_X86_64, 0, address, SCHED_ATTR_SIZE, 0) == 0)
        {
            UnsafeApi.putLong(address + SCHED_RUNTIME_OFFSET, sliceNs);
            libc().syscall(SYS_SCHED_SETATTR_X86_64, 0, address, 0, 0);
        }
    }

    /**
     * @return the calling thread's requested time slice ({@code sched_runtime}), 0 if it asked for
     *         none, -1 if it cannot be read.
     */
    public static long sliceNs()
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            return -1;
        }
        final ByteBuffer attr = BufferUtil.allocateDirectAligned(64, 64);
        final long address = BufferUtil.address(attr);
        return libc().syscall(SYS_SCHED_GETATTR_X86_64, 0, address, SCHED_ATTR_SIZE, 0) == 0 ?
            UnsafeApi.getLong(address + SCHED_RUNTIME_OFFSET) : -1;
    }

    public static boolean isAvailable()
    {
        return UNAVAILABILITY_CAUSE == null;
    }

    public static Throwable unavailabilityCause()
    {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * Sleep while the 32-bit word at {@code address} holds {@code expected}, at most {@code timeoutNs}.
     *
     * @param timeout the waiter's own timespec, reused from call to call.
     * @return 0 when woken (or spuriously), -1 when the word differed, the timeout passed or a signal
     *         interrupted: in every case the caller looks again.
     */
    public static int await(final long address, final int expected, final long timeoutNs, final Timespec timeout)
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            return -1;
        }
        return (int)libc().syscall(SYS_FUTEX_X86_64, address, FUTEX_WAIT, expected, timeout.set(Math.max(1, timeoutNs)));
    }

    /**
     * Wake up to {@code count} threads sleeping on the word at {@code address}, in any process.
     *
     * @return how many were woken, or -1 on failure.
     */
    public static int wake(final long address, final int count)
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            return -1;
        }
        return (int)libc().syscall(SYS_FUTEX_X86_64, address, FUTEX_WAKE, count, 0L);
    }

    /**
     * A relative {@code struct timespec} in direct memory, one per waiting thread (or per object one
     * thread waits on at a time), so that a wait allocates nothing.
     */
    public static final class Timespec
    {
        private final ByteBuffer buffer = BufferUtil.allocateDirectAligned(16, 16);
        private final long address = BufferUtil.address(buffer);

        /** Fill in {@code ns} and return the struct's address. */
        long set(final long ns)
        {
            UnsafeApi.putLong(address, ns / 1_000_000_000L);
            UnsafeApi.putLong(address + 8, ns % 1_000_000_000L);
            return address;
        }
    }
}
