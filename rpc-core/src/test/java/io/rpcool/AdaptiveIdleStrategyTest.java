package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class AdaptiveIdleStrategyTest
{
    @Test
    void shouldParkLongerAfterALongLullAndSpinAgainOnceWorkArrives()
    {
        final Path dir = TestDirs.fresh("deep-idle");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final AdaptiveIdleStrategy idle = new AdaptiveIdleStrategy(rpc, null, 20_000_000L);
            final long start = System.nanoTime();
            while (!idle.isDeepIdle() && System.nanoTime() - start < 5_000_000_000L)
            {
                idle.idle(0);
            }
            assertTrue(idle.isDeepIdle(), "no work for longer than the threshold: deep idle");
            assertTrue(System.nanoTime() - start >= 20_000_000L, "not before the threshold");
            idle.idle(1);
            assertFalse(idle.isDeepIdle(), "work resets the strategy to its fast mode");
        }
    }
}
