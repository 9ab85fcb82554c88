package io.rpcool.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FutexTest
{
    private final ByteBuffer memory = BufferUtil.allocateDirectAligned(64, 64);
    private final long word = BufferUtil.address(memory);

    @BeforeEach
    void available()
    {
        assumeTrue(Futex.isAvailable(), () -> "futex unavailable: " + Futex.unavailabilityCause());
    }

    @Test
    void shouldReturnAtOnceWhenTheWordNoLongerHoldsTheExpectedValue()
    {
        UnsafeApi.putIntVolatile(null, word, 5);
        final long start = System.nanoTime();
        assertEquals(-1, Futex.await(word, 4, 5_000_000_000L, new Futex.Timespec()));
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }

    @Test
    void shouldReturnAtTheTimeoutWhenNobodyWakes()
    {
        final long start = System.nanoTime();
        assertEquals(-1, Futex.await(word, 0, 50_000_000L, new Futex.Timespec()));
        final long tookNs = System.nanoTime() - start;
        assertTrue(tookNs >= 45_000_000L && tookNs < 5_000_000_000L, "timeout of 50 ms: " + tookNs);
    }

    @Test
    void shouldAskForAShortSliceOncePerThreadKeepingItsNiceValue() throws Exception
    {
        final long[] slice = new long[2];
        final Thread t = new Thread(() ->
        {
            slice[0] = Futex.sliceNs();
            Futex.requestShortSlice(100_000);
            slice[1] = Futex.sliceNs();
        });
        t.start();
        t.join(10_000);
        System.out.println("FUTEXTEST slice before " + slice[0] + " after " + slice[1]);
        assumeTrue(slice[0] >= 0, "sched_getattr unavailable");
        // Kernels before 6.12 ignore sched_runtime for normal threads; those that honour it report it back.
        assertTrue(slice[1] == slice[0] || slice[1] == 100_000, "slice " + slice[1]);
    }

    @Test
    void shouldWakeASleeperLongBeforeItsTimeout() throws Exception
    {
        final AtomicLong took = new AtomicLong();
        final Thread sleeper = new Thread(() ->
        {
            final long start = System.nanoTime();
            final Futex.Timespec timespec = new Futex.Timespec();
            while (UnsafeApi.getIntVolatile(null, word) == 0)
            {
                Futex.await(word, 0, 20_000_000_000L, timespec);
            }
            took.set(System.nanoTime() - start);
        });
        sleeper.start();
        Thread.sleep(100);
        UnsafeApi.putIntVolatile(null, word, 1);
        Futex.wake(word, 1);
        sleeper.join(10_000);
        assertTrue(took.get() > 0 && took.get() < 10_000_000_000L, "woken, not timed out: " + took.get());
    }
}
