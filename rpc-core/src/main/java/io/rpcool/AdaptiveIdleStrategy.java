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
 * A short spin precedes any sleep so that back-to-back work never pays a sleep.
 */
final class AdaptiveIdleStrategy implements IdleStrategy
{
    static final int SPINS_BEFORE_SLEEP = 64;
    private static final long HAND_OFF_PARK_NS = 50_000_000L;

    private final Rpcool rpcool;
    private final Watchable watchable;
    private int idleCalls;
    volatile boolean parked;

    /**
     * @param watchable what the polling thread checks for this thread in hand-off mode; null to
     *                  sleep instead (for the polling thread itself).
     */
    AdaptiveIdleStrategy(final Rpcool rpcool, final Watchable watchable)
    {
        this.rpcool = rpcool;
        this.watchable = watchable;
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
        final int level = rpcool.idleLevel();
        if (level == IdleLevels.SPIN || ++idleCalls < SPINS_BEFORE_SLEEP)
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

    @Override
    public void reset()
    {
        idleCalls = 0;
    }

    @Override
    public String alias()
    {
        return "adaptive";
    }
}
