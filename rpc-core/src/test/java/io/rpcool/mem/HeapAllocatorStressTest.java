package io.rpcool.mem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class HeapAllocatorStressTest
{
    private static final int THREADS = 4;
    private static final int OPERATIONS = 200_000;

    private final TestMemory memory = new TestMemory();

    @Test
    @Timeout(60)
    void shouldAllocateAndFreeConcurrentlyWithoutOverlap() throws Exception
    {
        final HeapAllocator heap = memory.heap(32 << 20);
        final RegionSet r = heap.regions();
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong remaining = new AtomicLong();
        final Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++)
        {
            final int seed = t;
            threads[t] = new Thread(() ->
            {
                try
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    final List<long[]> live = new ArrayList<>();
                    start.await();
                    for (int i = 0; i < OPERATIONS; i++)
                    {
                        if (live.size() > 64 || (!live.isEmpty() && random.nextBoolean()))
                        {
                            final long[] block = live.remove(random.nextInt(live.size()));
                            checkFill(r, block[0], block[1], seed);
                            heap.free(block[0]);
                        }
                        else
                        {
                            final int length = random.nextInt(4) == 0 ? random.nextInt(16_000) : random.nextInt(200);
                            final long address = heap.allocate(length);
                            assertNotEquals(Allocator.NULL_ADDRESS, address);
                            fill(r, address, length, seed);
                            live.add(new long[]{ address, length });
                        }
                    }
                    for (final long[] block : live)
                    {
                        checkFill(r, block[0], block[1], seed);
                    }
                    remaining.addAndGet(live.size());
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads[t].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (failure.get() != null)
        {
            fail(failure.get());
        }
        final HeapReport report = heap.validate();
        assertEquals(remaining.get(), report.allocatedBlocks());
        assertEquals(0, report.leakedFreeBlocks());
        assertEquals(remaining.get(), heap.stats().liveBlocks());
    }

    private static void fill(final RegionSet r, final long address, final int length, final int owner)
    {
        final long word = address * 31 + owner;
        for (int i = 0; i + 8 <= length; i += 8)
        {
            r.putLong(address + i, word);
        }
    }

    private static void checkFill(final RegionSet r, final long address, final long length, final int owner)
    {
        final long word = address * 31 + owner;
        for (int i = 0; i + 8 <= length; i += 8)
        {
            if (r.getLong(address + i) != word)
            {
                fail("block 0x" + Long.toHexString(address) + " overwritten at +" + i);
            }
        }
    }
}
