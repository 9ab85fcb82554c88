package io.rpcool;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

import io.rpcool.daemon.IdleLevels;

/**
 * The paper's adaptive busy wait as an Agrona {@link IdleStrategy}. Follows the process's idle
 * level (from the daemon's measure of host load, or pinned by configuration):
 * <ul>
 * <li>{@link IdleLevels#SPIN}: busy-poll with {@link Thread#onSpinWait()};</li>
 * <li>{@link IdleLevels#SLEEP}: sleep about 5 µs between polls (timer slack lowered so the
 *     sleep is not stretched to 50 µs);</li>
 * <li>{@link IdleLevels#HAND_OFF}: park, and let the process's one dedicated polling thread watch
 *     for work on this thread's behalf and unpark it.</li>
 * </ul>
 * A spin of {@code rpcool.idle.spinNs} (default 50 µs, {@link RpcoolContext#spinNs()}) precedes any
 * sleep or hand-off, so that work arriving soon after the last never pays a wake-up. After a long
 * stretch with no work at all ({@code rpcool.idle.deepAfterMs}, default 1 s) every mode parks
 * {@code rpcool.idle.deepParkUs} (default 100 µs) between polls, so an idle server or poller does
 * not keep a core busy; the first call after such a lull waits up to that long.
 */
final class AdaptiveIdleStrategy implements IdleStrategy
{
    static final int SPINS_BEFORE_SLEEP = 64;
    private static final long HAND_OFF_PARK_NS = 50_000_000L;
    static final long DEEP_IDLE_AFTER_NS = Long.getLong("rpcool.idle.deepAfterMs", 1000) * 1_000_000L;
    static final long DEEP_IDLE_PARK_NS = Long.getLong("rpcool.idle.deepParkUs", 100) * 1000L;

    private final Rpcool rpcool;
    private final Watchable watchable;
    private final long deepIdleAfterNs;
    private int idleCalls;
    private long idleSinceNs;
    private boolean deepIdle;
    private long spinUntilNs;
    private boolean spinPhase = true;
    volatile boolean parked;

    /**
     * @param watchable what the polling thread checks for this thread in hand-off mode; null to
     *                  sleep instead (for the polling thread itself).
     */
    AdaptiveIdleStrategy(final Rpcool rpcool, final Watchable watchable)
    {
        this(rpcool, watchable, DEEP_IDLE_AFTER_NS);
    }

    AdaptiveIdleStrategy(final Rpcool rpcool, final Watchable watchable, final long deepIdleAfterNs)
    {
        this.rpcool = rpcool;
        this.watchable = watchable;
        this.deepIdleAfterNs = deepIdleAfterNs;
    }

    boolean isDeepIdle()
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
        if ((++idleCalls & 1023) == 0)
        {
            final long now = System.nanoTime();
            if (idleSinceNs == 0)
            {
                idleSinceNs = now;
            }
            else if (now - idleSinceNs > deepIdleAfterNs)
            {
                deepIdle = true;
            }
        }
        if (deepIdle)
        {
            LockSupport.parkNanos(DEEP_IDLE_PARK_NS);
            idleCalls += 1023;
            return;
        }
        final int level = rpcool.idleLevel();
        if (level == IdleLevels.SPIN || idleCalls < SPINS_BEFORE_SLEEP || spinning())
        {
            Thread.onSpinWait();
        }
        else if (level == IdleLevels.SLEEP || watchable == null)
        {
            LockSupport.parkNanos(rpcool.context().sleepNs());
        }
        else
        {
            parked = true;
            rpcool.poller().watch(watchable);
            LockSupport.parkNanos(this, HAND_OFF_PARK_NS);
            parked = false;
        }
    }

    /**
     * Still within the spin phase that precedes a sleep or a hand-off ({@link RpcoolContext#spinNs()}):
     * the clock is read once every few idle calls.
     */
    private boolean spinning()
    {
        if (spinUntilNs == 0)
        {
            spinUntilNs = System.nanoTime() + rpcool.context().spinNs();
            return true;
        }
        if ((idleCalls & 15) != 0)
        {
            return spinPhase;
        }
        spinPhase = System.nanoTime() - spinUntilNs < 0;
        return spinPhase;
    }

    @Override
    public void reset()
    {
        idleCalls = 0;
        idleSinceNs = 0;
        deepIdle = false;
        spinUntilNs = 0;
        spinPhase = true;
    }

    @Override
    public String alias()
    {
        return "adaptive";
    }
}
