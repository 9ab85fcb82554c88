package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * In the hand-off mode a waiting thread spins for {@code spinNs} before it parks and hands the
 * wait to the polling thread: calls that follow each other within it pay no wake-up at all.
 */
class SpinBeforeHandOffTest
{
    private static long handOffsDuringCalls(final long spinNs) throws Exception
    {
        return waitsDuringCalls(spinNs, false)[0];
    }

    /** Waits handed to the poller and futex sleeps woken by the peer during 2,000 calls. */
    private static long[] waitsDuringCalls(final long spinNs, final boolean futex) throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("spin-" + spinNs))
            .idleMode(RpcoolContext.IdleMode.HAND_OFF).spinNs(spinNs).futex(futex)))
        {
            rpc.openChannel("/spin").register(1, call ->
            {
                call.reply().putInt(0, call.request().getInt(0) + 1);
                call.replyLength(4);
            });
            try (Connection conn = rpc.connect("/spin"); ClientCall call = conn.newCall(1))
            {
                call.request().putInt(0, 0);
                call.invoke(4);
                TimeUnit.MILLISECONDS.sleep(50);
                final long before = rpc.poller().watches();
                final long sleepsBefore = rpc.counterSet().futexSleeps.get();
                for (int i = 0; i < 2000; i++)
                {
                    call.request().putInt(0, i);
                    call.invoke(4);
                    assertEquals(i + 1, call.reply().getInt(0));
                }
                return new long[] {rpc.poller().watches() - before, rpc.counterSet().futexSleeps.get() - sleepsBefore};
            }
        }
    }

    @Test
    void shouldNotHandOffWaitsThatEndWithinTheSpin() throws Exception
    {
        // Back-to-back calls: neither the client nor the handler thread ever waits 10 s.
        assertEquals(0, handOffsDuringCalls(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void shouldHandOffAtOnceWithoutASpin() throws Exception
    {
        final long handOffs = handOffsDuringCalls(0);
        assertTrue(handOffs >= 1000, "client and handler waits handed off: " + handOffs);
    }

    @Test
    void shouldSleepInTheKernelInsteadOfHandingOffWhenFutexIsOn() throws Exception
    {
        assumeTrue(io.rpcool.nativeio.Futex.isAvailable());
        final long[] waits = waitsDuringCalls(0, true);
        assertEquals(0, waits[0], "no wait went to the poller");
        // How many of the 2,000 waits find the reply or request already there before the thread enters
        // futex(2) depends on how the two threads are scheduled (a few hundred on a quiet host, most
        // under load): what matters is that waits sleep in the kernel and none goes to the poller.
        assertTrue(waits[1] > 0, "client and handler slept on the futex and were woken: " + waits[1]);
    }

    @Test
    void shouldRefuseANegativeSpin()
    {
        assertThrows(IllegalArgumentException.class, () -> new RpcoolContext().spinNs(-1));
    }
}
