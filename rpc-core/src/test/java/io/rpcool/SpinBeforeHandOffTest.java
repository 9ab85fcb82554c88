package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("spin-" + spinNs))
            .idleMode(RpcoolContext.IdleMode.HAND_OFF).spinNs(spinNs)))
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
                for (int i = 0; i < 2000; i++)
                {
                    call.request().putInt(0, i);
                    call.invoke(4);
                    assertEquals(i + 1, call.reply().getInt(0));
                }
                return rpc.poller().watches() - before;
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
    void shouldRefuseANegativeSpin()
    {
        assertThrows(IllegalArgumentException.class, () -> new RpcoolContext().spinNs(-1));
    }
}
