package io.rpcool.idle;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AdaptiveIdleStrategyTest
{
    @Test
    void shouldParkLongerAfterALongLullAndSpinAgainOnceWorkArrives()
    {
        final WaitControl control = new WaitControl(IdleLevels.SPIN, 50_000, 5_000, 20_000_000L, 100_000, Throwable::printStackTrace);
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
        final WaitControl control = new WaitControl(IdleLevels.HAND_OFF, 0, 5_000, Long.MAX_VALUE, 100_000, Throwable::printStackTrace);
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
        final WaitControl control = new WaitControl(IdleLevels.HAND_OFF, 0, 5_000, Long.MAX_VALUE, 100_000, Throwable::printStackTrace)
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
}
