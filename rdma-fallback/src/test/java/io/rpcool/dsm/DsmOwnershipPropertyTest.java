package io.rpcool.dsm;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ownership protocol against a model. Sequentially: seeded random interleavings of reads and
 * writes of random words of random pages from both sides (this JVM is the server, a child JVM the
 * client); every read must see the last write. Concurrently: two threads of the server and one of
 * the client increment their own word on random shared pages at once, so pages bounce under
 * contention with several faults outstanding; no increment may be lost.
 */
@Tag("slow")
@Timeout(300)
class DsmOwnershipPropertyTest
{
    private static final int PAGES = 16;
    private static final int WORDS = 4;
    private static final long SIZE = PAGES * DsmHeap.PAGE_SIZE;

    @Test
    void shouldReadTheLastWriteInEveryInterleavingAndLoseNoConcurrentIncrement() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final long address = 0x5f30_0000_0000L;
        try (TestPeers.Pair pair = TestPeers.serverHere(address, SIZE))
        {
            final DsmHeap heap = pair.heap();
            final ChildJvm client = pair.client();
            final long[] model = new long[PAGES * WORDS];
            for (final long seed : new long[] {1, 2, 3})
            {
                interleave(heap, client, model, seed, 400);
            }

            // Words 0 and 2 belong to two threads of the server, word 1 to the client, on every page.
            for (int p = 0; p < PAGES; p++)
            {
                for (int slot = 0; slot < 3; slot++)
                {
                    heap.putLong(address + p * DsmHeap.PAGE_SIZE + slot * 8, 0);
                }
            }
            final int steps = 5_000;
            client.send("increment 22 " + steps + " 1 " + PAGES);
            final CompletableFuture<Void> first = CompletableFuture.runAsync(() -> Counters.increment(heap, 11, steps, 0, PAGES));
            final CompletableFuture<Void> second = CompletableFuture.runAsync(() -> Counters.increment(heap, 33, steps, 2, PAGES));
            assertEquals("DONE", client.awaitLine("DONE", TestPeers.LINE_MS));
            CompletableFuture.allOf(first, second).get(TestPeers.LINE_MS, TimeUnit.MILLISECONDS);
            assertArrayEquals(Counters.expected(11, steps, PAGES), slot(heap, 0));
            assertArrayEquals(Counters.expected(22, steps, PAGES), slot(heap, 1));
            assertArrayEquals(Counters.expected(33, steps, PAGES), slot(heap, 2));
            assertEquals(DsmHeap.RUNNING, heap.status(), heap.reason());

            heap.close();
            final String gone = "STATUS " + DsmHeap.PEER_GONE + " PEER_GONE: the peer said GOODBYE";
            TestPeers.await(() -> gone.equals(TestPeers.ask(client, "status")), 10_000, "GOODBYE at the client");
        }
    }

    private static long[] slot(final DsmHeap heap, final int slot)
    {
        final long[] words = new long[PAGES];
        for (int p = 0; p < PAGES; p++)
        {
            words[p] = heap.getLong(heap.address() + p * DsmHeap.PAGE_SIZE + slot * 8L);
        }
        return words;
    }

    private static void interleave(final DsmHeap heap, final ChildJvm client, final long[] model, final long seed, final int steps)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int step = 0; step < steps; step++)
        {
            final int word = random.nextInt(model.length);
            final long at = heap.address() + (word / WORDS) * DsmHeap.PAGE_SIZE + (word % WORDS) * 8L;
            final boolean write = random.nextBoolean();
            final boolean here = random.nextBoolean();
            final String where = "seed " + seed + " step " + step + (here ? " server " : " client ") +
                (write ? "write" : "read") + " word " + word;
            if (write)
            {
                final long value = random.nextLong();
                model[word] = value;
                if (here)
                {
                    heap.putLong(at, value);
                }
                else
                {
                    assertEquals("OK", TestPeers.ask(client, "put " + Long.toHexString(at) + " " + value), where);
                }
            }
            else if (here)
            {
                assertEquals(model[word], heap.getLong(at), where);
            }
            else
            {
                assertEquals("VALUE " + model[word], TestPeers.ask(client, "get " + Long.toHexString(at)), where);
            }
        }
    }
}
