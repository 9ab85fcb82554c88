package io.rpcool.idle;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

/**
 * The paper's adaptive busy wait as an Agrona {@link IdleStrategy}, the one waiting loop of the
 * library: handler threads idle with it between duty cycles and a calling thread idles with it
 * while it waits for its reply. It follows the process's idle level ({@link WaitControl}):
 * <ul>
 * <li>{@link IdleLevels#SPIN}: busy-poll with {@link Thread#onSpinWait()};</li>
 * <li>{@link IdleLevels#SLEEP}: sleep about 5 µs between polls (timer slack lowered so the
 *     sleep is not stretched to 50 µs);</li>
 * <li>{@link IdleLevels#HAND_OFF}: park, and let the process's one dedicated polling thread watch
 *     for work on this thread's behalf ({@link Watchable}) and unpark it.</li>
 * </ul>
 * A spin of {@code rpcool.idle.spinNs} (default 50 µs) precedes any sleep or hand-off, so that work
 * arriving soon after the last never pays a wake-up. After a long stretch with no work at all
 * ({@code rpcool.idle.deepAfterMs}, default 1 s) every mode parks {@code rpcool.idle.deepParkUs}
 * (default 100 µs) between polls, so an idle server or poller does not keep a core busy; the first
 * call after such a lull waits up to that long.
 *
 * <p>A waiter that is a {@link Sleeper} (a call waiting for its reply, a handler thread polling one
 * connection) ends with a kernel sleep instead, when {@code rpcool.idle.futex} is on and
 * {@code futex(2)} is available: in the hand-off mode right after the spin, in the sleep mode after
 * short sleeps for another {@code spinNs}, and in a deep idle at once. The other side wakes it
 * directly when it publishes, so the wake-up costs one system call on each side instead of a
 * timer's expiry; the sleep always ends at {@link WaitControl#handOffParkNs()} or the deadline.
 *
 * <p>One instance per waiting thread (or per call object, used by one thread at a time).
 */
public final class AdaptiveIdleStrategy implements IdleStrategy
{
    static final int SPINS_BEFORE_SLEEP = 64;

    private final WaitControl control;
    private final Watchable watchable;
    private final HandOff handOff;
    private final Sleeper sleeper;
    private int idleCalls;
    private long idleSinceNs;
    private boolean deepIdle;
    private long spinUntilNs;
    private boolean spinPhase = true;
    private boolean skipSpin;
    private volatile Thread parkedThread;
    private volatile boolean registered;

    /**
     * @param watchable what the polling thread checks for this thread in hand-off mode; null to
     *                  sleep instead (for the polling thread itself).
     */
    public AdaptiveIdleStrategy(final WaitControl control, final Watchable watchable)
    {
        this(control, watchable, null);
    }

    /**
     * @param sleeper how this thread sleeps until the other side wakes it; null to park on timers.
     */
    public AdaptiveIdleStrategy(final WaitControl control, final Watchable watchable, final Sleeper sleeper)
    {
        this.control = control;
        this.watchable = watchable;
        this.handOff = watchable == null ? null : new HandOff();
        this.sleeper = control.futex() ? sleeper : null;
    }

    /** True while the thread is parked in the hand-off mode. */
    public boolean isParked()
    {
        return parkedThread != null;
    }

    public boolean isDeepIdle()
    {
        return deepIdle;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        idle(Long.MAX_VALUE);
    }

    /**
     * Wait once, never parking past {@code deadlineNs} ({@link System#nanoTime()}).
     */
    public void idle(final long deadlineNs)
    {
        if ((++idleCalls & 1023) == 0)
        {
            final long now = System.nanoTime();
            if (idleSinceNs == 0)
            {
                idleSinceNs = now;
            }
            else if (now - idleSinceNs > control.deepIdleAfterNs())
            {
                deepIdle = true;
            }
        }
        if (deepIdle)
        {
            if (sleeper == null || !sleep(deadlineNs))
            {
                LockSupport.parkNanos(control.deepIdleParkNs());
            }
            idleCalls += 1023;
            return;
        }
        final int level = control.idleLevel();
        if (level == IdleLevels.SPIN || idleCalls < SPINS_BEFORE_SLEEP || spinning())
        {
            Thread.onSpinWait();
        }
        else if (sleeper != null && (level == IdleLevels.HAND_OFF || System.nanoTime() - spinUntilNs > control.spinNs()) &&
            sleep(deadlineNs))
        {
            return;
        }
        else if (level == IdleLevels.SLEEP || handOff == null)
        {
            LockSupport.parkNanos(control.sleepNs());
        }
        else
        {
            handOff(deadlineNs);
        }
    }

    /** The kernel sleep; false if the sleeper cannot sleep now. */
    private boolean sleep(final long deadlineNs)
    {
        final long maxParkNs = control.handOffParkNs();
        final long parkNs = deadlineNs == Long.MAX_VALUE ? maxParkNs : Math.min(maxParkNs, deadlineNs - System.nanoTime());
        return parkNs <= 0 || sleeper.sleep(parkNs);
    }

    private void handOff(final long deadlineNs)
    {
        final long maxParkNs = control.handOffParkNs();
        final long parkNs = deadlineNs == Long.MAX_VALUE ? maxParkNs : Math.min(maxParkNs, deadlineNs - System.nanoTime());
        if (parkNs <= 0)
        {
            return;
        }
        parkedThread = Thread.currentThread();
        if (!registered)
        {
            registered = true;
            control.poller().watch(handOff);
        }
        LockSupport.parkNanos(this, parkNs);
        parkedThread = null;
    }

    /**
     * Still within the spin phase that precedes a sleep or a hand-off: the clock is read once every
     * few idle calls.
     */
    private boolean spinning()
    {
        if (spinUntilNs == 0)
        {
            spinUntilNs = System.nanoTime() + control.spinNs();
            return true;
        }
        if ((idleCalls & 15) != 0)
        {
            return spinPhase;
        }
        spinPhase = System.nanoTime() - spinUntilNs < 0;
        return spinPhase;
    }

    /**
     * Start the next wait (after the next {@link #reset()}) without its spin, when this thread just
     * woke its peer: the peer may be scheduled on this very core, and a spin here would only keep it
     * off the core until the spin ends. Applies only where the wait ends in a kernel sleep.
     */
    public void skipSpinOnce()
    {
        skipSpin = sleeper != null;
    }

    @Override
    public void reset()
    {
        idleSinceNs = 0;
        deepIdle = false;
        if (skipSpin)
        {
            skipSpin = false;
            idleCalls = SPINS_BEFORE_SLEEP;
            spinUntilNs = System.nanoTime() - control.spinNs() - 1;
            spinPhase = false;
        }
        else
        {
            idleCalls = 0;
            spinUntilNs = 0;
            spinPhase = true;
        }
    }

    @Override
    public String alias()
    {
        return "adaptive";
    }

    /** What the poller checks while the thread is parked: once the watchable is ready, unpark it. */
    private final class HandOff implements Watchable
    {
        @Override
        public boolean pollReady()
        {
            if (!watchable.pollReady())
            {
                return false;
            }
            registered = false;
            final Thread t = parkedThread;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
            return true;
        }
    }
}
