package io.rpcool.sandbox.mpk;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.mem.MemoryRegion;

/**
 * The key scheme against recorded hardware calls: cached regions keep their key, uncached ones
 * take the least recently used idle key and reassign it, and callers wait while all are in use.
 */
@Timeout(30)
class KeyTableTest
{
    static final int SHARED = 1;
    static final long HEAP = 0x5000_0000_0000L;
    static final long PAGE = 4096;

    /** Records pkey_mprotect calls; enter/exit do nothing. */
    static final class Recorder implements KeyTable.Hardware
    {
        final List<String> protects = new ArrayList<>();
        final List<Long> tracked = new ArrayList<>();

        @Override
        public synchronized void protect(final long address, final long length, final int key)
        {
            protects.add(String.format("0x%x+%d:%d", address - HEAP, length, key));
        }

        @Override
        public synchronized void track(final long address, final long length)
        {
            tracked.add(address);
        }

        @Override
        public synchronized void untrack(final long address)
        {
            tracked.remove(address);
        }

        @Override
        public int enter(final int key)
        {
            return 0;
        }

        @Override
        public long exit(final int token)
        {
            return 0;
        }

        @Override
        public long violationAddress()
        {
            return 0;
        }

        synchronized List<String> take()
        {
            final List<String> copy = new ArrayList<>(protects);
            protects.clear();
            return copy;
        }
    }

    private static int[] keys(final int n)
    {
        final int[] k = new int[n];
        for (int i = 0; i < n; i++)
        {
            k[i] = 2 + i;
        }
        return k;
    }

    private static MemoryRegion region(final long page, final long pages)
    {
        return new MemoryRegion("r", HEAP + page * PAGE + 64, pages * PAGE - 128);
    }

    private static KeyTable table(final Recorder hw, final int keys)
    {
        final KeyTable t = new KeyTable(hw, SHARED, keys(keys), 64 * 1024);
        t.heapAdded(new MemoryRegion("heap", HEAP, 4096 * PAGE));
        return t;
    }

    @Test
    void shouldGiveDataHeapsTheSharedKey()
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 14);
        assertEquals(List.of("0x0+16777216:1"), hw.take());
        assertEquals(SHARED, t.keyOf(HEAP + 100 * PAGE));
        assertEquals(-1, t.keyOf(0x7000_0000_0000L));
    }

    @Test
    void shouldKeepTheKeyOfACachedRegionAndReassignTheLeastRecentlyUsed()
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 2);
        hw.take();
        final KeyTable.Slot a = t.acquire(region(10, 1));
        assertEquals(List.of("0xa000+4096:2"), hw.take(), "region pages rounded to whole pages get a sandbox key");
        a.release();
        assertSame(a, t.acquire(region(10, 1)), "cached: same key, no system call");
        assertEquals(List.of(), hw.take());
        a.release();
        final KeyTable.Slot b = t.acquire(region(20, 2));
        b.release();
        assertEquals(3, b.key);
        assertEquals(List.of("0x14000+8192:3"), hw.take());
        // A third region: the least recently used key (a's) goes back to the shared key and moves.
        final KeyTable.Slot c = t.acquire(region(30, 1));
        assertEquals(2, c.key);
        assertEquals(List.of("0xa000+4096:1", "0x1e000+4096:2"), hw.take());
        c.release();
        assertEquals(1, t.hits());
        assertEquals(3, t.reassignments());
    }

    @Test
    void shouldShareTheKeyOfARegionInUseAndTakeOverIdleOverlappingPages()
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 3);
        hw.take();
        final KeyTable.Slot a1 = t.acquire(region(10, 2));
        final KeyTable.Slot a2 = t.acquire(region(10, 2));
        assertSame(a1, a2, "two threads in the same region share its key");
        a1.release();
        a2.release();
        final KeyTable.Slot b = t.acquire(region(11, 2));
        assertNotSame(a1, b);
        assertEquals(List.of("0xa000+8192:2", "0xa000+8192:1", "0xb000+8192:3"), hw.take(),
            "the idle overlapping range went back to the shared key first");
        b.release();
    }

    @Test
    void shouldGiveARegionOutsideTheDataHeapsAKeyOfItsOwnAndNoPageKeys()
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 2);
        hw.take();
        final MemoryRegion foreign = new MemoryRegion("request", 0x7000_0000_0000L, 4096);
        final KeyTable.Slot a = t.acquire(foreign);
        final KeyTable.Slot b = t.acquire(foreign);
        assertNotSame(a, b, "never shared: the key guards only each sandbox's scratch");
        assertEquals(List.of(), hw.take());
        a.release();
        b.release();
    }

    @Test
    void shouldMakeTheFifteenthConcurrentSandboxWaitForAKey() throws Exception
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 14);
        final List<KeyTable.Slot> held = new ArrayList<>();
        for (int i = 0; i < 14; i++)
        {
            held.add(t.acquire(region(100 + 2 * i, 1)));
        }
        final CountDownLatch got = new CountDownLatch(1);
        final Thread waiter = new Thread(() ->
        {
            final KeyTable.Slot s = t.acquire(region(500, 1));
            got.countDown();
            s.release();
        });
        waiter.start();
        assertFalse(got.await(200, TimeUnit.MILLISECONDS), "all 14 keys are in use");
        held.get(5).release();
        assertTrue(got.await(5, TimeUnit.SECONDS), "a released key is reassigned to the waiter");
        waiter.join();
        assertEquals(1, t.waits());
    }

    @Test
    void shouldServeManyMoreConcurrentSandboxesThanKeys() throws Exception
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 14);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++)
        {
            final int id = i;
            final Thread th = new Thread(() ->
            {
                for (int n = 0; n < 200; n++)
                {
                    final KeyTable.Slot s = t.acquire(region(1000 + 3 * id, 2));
                    final int now = inside.incrementAndGet();
                    maxInside.accumulateAndGet(now, Math::max);
                    Thread.onSpinWait();
                    inside.decrementAndGet();
                    s.release();
                }
            });
            threads.add(th);
            th.start();
        }
        for (final Thread th : threads)
        {
            th.join();
        }
        assertTrue(maxInside.get() <= 14, "never more sandboxes inside than keys: " + maxInside.get());
    }

    @Test
    void shouldForgetRangesOfAnUnmappedHeap()
    {
        final Recorder hw = new Recorder();
        final KeyTable t = table(hw, 2);
        final KeyTable.Slot a = t.acquire(region(10, 1));
        a.release();
        t.unmapping(HEAP, 4096 * PAGE);
        assertEquals(-1, t.keyOf(HEAP + 10 * PAGE));
        assertFalse(hw.tracked.contains(HEAP));
        hw.take();
        final KeyTable.Slot b = t.acquire(region(10, 1));
        assertEquals(List.of(), hw.take(), "a region in no data heap gets no page keys");
        b.release();
    }
}
