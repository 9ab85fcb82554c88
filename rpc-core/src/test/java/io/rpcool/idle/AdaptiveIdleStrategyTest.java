package io.rpcool.idle;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AdaptiveIdleStrategyTest
{
    private static WaitControl control(final int level, final long spinNs, final long deepIdleAfterNs, final boolean futex)
    {
        return new WaitControl(level, spinNs, 5_000, deepIdleAfterNs, 100_000, futex, Throwable::printStackTrace);
    }

    @Test
    void shouldParkLongerAfterALongLullAndSpinAgainOnceWorkArrives()
    {
        final WaitControl control = control(IdleLevels.SPIN, 50_000, 20_000_000L, false);
        final AdaptiveIdleStrategy idle = new AdaptiveIdleStrategy(control, null);
        final long start = System.nanoTime();
        while (!idle.isDeepIdle() && System.nanoTime() - start < 5_000_000_000L)
        {
            idle.idle(0);
        }
        assertTrue(idle.isDeepIdle(), "no work for longer than the threshold: deep idle");
        assertTrue(System.nanoTime() - start >= 20_000_000L, "not before the threshold");
        idle.idle(1);
        assertFalse(idle.isDeepIdle(), "work resets the strategy to its fast mode");
        control.close();
    }

    @Test
    void shouldHandTheWaitToThePollerAndWakeWhenTheWatchableIsReady() throws Exception
    {
        final WaitControl control = control(IdleLevels.HAND_OFF, 0, Long.MAX_VALUE, false);
        final java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
        final AdaptiveIdleStrategy idle = new AdaptiveIdleStrategy(control, ready::get);
        // The watchable becomes ready only once the waiter has handed its wait to the poller, however
        // late the waiter gets to run on a loaded host.
        final java.util.concurrent.atomic.AtomicBoolean handedOff = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread setter = new Thread(() ->
        {
            final long giveUp = System.nanoTime() + 10_000_000_000L;
            while (control.handOffs() < 1 && System.nanoTime() - giveUp < 0)
            {
                Thread.onSpinWait();
            }
            handedOff.set(control.handOffs() >= 1);
            ready.set(true);
        });
        setter.start();
        final long start = System.nanoTime();
        while (!ready.get())
        {
            idle.idle(start + 20_000_000_000L);
        }
        final long waitedNs = System.nanoTime() - start;
        assertTrue(handedOff.get(), "the wait went to the poller");
        assertTrue(waitedNs < 15_000_000_000L, "woken by the poller, not by the 20 s deadline: " + waitedNs);
        setter.join();
        control.close();
    }

    @Test
    void shouldNeverParkPastTheDeadline()
    {
        final WaitControl control = control(IdleLevels.HAND_OFF, 0, Long.MAX_VALUE, false)
            .handOffParkNs(30_000_000_000L);
        final AdaptiveIdleStrategy idle = new AdaptiveIdleStrategy(control, () -> false);
        final long deadline = System.nanoTime() + 20_000_000L;
        while (System.nanoTime() - deadline < 0)
        {
            idle.idle(deadline);
        }
        assertTrue(System.nanoTime() - deadline < 10_000_000_000L, "a park ends at the deadline, not after the 30 s hand-off park");
        control.close();
    }

    @Test
    void shouldEndTheWaitInTheSleeperInsteadOfHandingOffWhenFutexIsOn()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.rpcool.nativeio.Futex.isAvailable());
        final WaitControl control = control(IdleLevels.HAND_OFF, 0, Long.MAX_VALUE, true)
            .handOffParkNs(7_000_000L);
        final long[] sleptNs = new long[1];
        final AdaptiveIdleStrategy idle = new AdaptiveIdleStrategy(control, () -> false, timeoutNs ->
        {
            sleptNs[0] = timeoutNs;
            return true;
        });
        for (int i = 0; i < 1000 && sleptNs[0] == 0; i++)
        {
            idle.idle(Long.MAX_VALUE);
        }
        assertEquals(7_000_000L, sleptNs[0], "the kernel sleep is the last stage, bounded by the hand-off park");
        assertEquals(0, control.handOffs(), "nothing went to the poller");
        control.close();
    }

    @Test
    void shouldHandOffAsBeforeWhenFutexIsOff()
    {
        final WaitControl control = control(IdleLevels.HAND_OFF, 0, Long.MAX_VALUE, false)
            .handOffParkNs(1_000_000L);
        final boolean[] slept = new boolean[1];
        final AdaptiveIdleStrategy idle = new AdaptiveIdleStrategy(control, () -> false, timeoutNs -> slept[0] = true);
        for (int i = 0; i < 200; i++)
        {
            idle.idle(Long.MAX_VALUE);
        }
        assertFalse(slept[0], "futex off: the sleeper is never used");
        control.close();
    }
}
