package io.rpcool.bench.fork;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SteadyStateTest
{
    private long nowNs = 1_000_000_000L;

    @Test
    void shouldSettleOnlyAfterThreeWindowsWithAgreeingMedians()
    {
        final SteadyState steady = new SteadyState(100, 10_000, 0.10);
        assertFalse(feed(steady, 100, 1_000));
        assertFalse(feed(steady, 100, 1_020));
        assertTrue(feed(steady, 100, 990));
        assertEquals(3, steady.windows());
    }

    @Test
    void shouldNotSettleWhileTheMedianIsStillFalling()
    {
        final SteadyState steady = new SteadyState(100, 10_000, 0.10);
        long latency = 100_000;
        for (int window = 0; window < 10; window++)
        {
            assertFalse(feed(steady, 100, latency), "window " + window);
            latency = latency * 3 / 4;
        }
        assertFalse(steady.settled());
    }

    @Test
    void shouldSettleAfterACompilationStepOnceThreeWindowsAgree()
    {
        final SteadyState steady = new SteadyState(50, 10_000, 0.10);
        feed(steady, 50, 9_000);
        feed(steady, 50, 9_100);
        assertFalse(feed(steady, 50, 1_000), "the step itself is not steady");
        assertFalse(feed(steady, 50, 1_050));
        assertTrue(feed(steady, 50, 1_010));
    }

    @Test
    void shouldCloseWindowsByTimeForSlowSystems()
    {
        final SteadyState steady = new SteadyState(1_000_000, 1, 0.10);
        assertFalse(feed(steady, 3, 400_000));
        assertEquals(1, steady.windows(), "three calls of 0.4 ms pass the 1 ms window");
    }

    @Test
    void shouldRefuseNonsenseParameters()
    {
        assertThrows(IllegalArgumentException.class, () -> new SteadyState(0, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SteadyState(10, 0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SteadyState(10, 10, 0));
    }

    private boolean feed(final SteadyState steady, final int calls, final long latencyNs)
    {
        boolean settled = false;
        for (int i = 0; i < calls; i++)
        {
            nowNs += latencyNs;
            settled = steady.record(latencyNs, nowNs);
        }
        return settled;
    }
}
