package io.rpcool.ipc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.rpcool.layout.RequestQueueDescriptor;

/**
 * Holes in the request queue: positions the tail has passed that nobody publishes (a stray store
 * moved the tail, or a producer died between claim and publish). The consumer skips them after the
 * hole grace instead of waiting for good, and a producer merely slower than the grace is not skipped.
 */
class RequestQueueHoleTest
{
    private static final int CAPACITY = 8;
    private static final int SLOTS = 4;
    private static final long GRACE_NS = 20_000_000L;

    private long base;
    private ByteBuffer memory;

    private RequestQueue queue(final boolean singleConsumer)
    {
        memory = BufferUtil.allocateDirectAligned(RequestQueueDescriptor.length(CAPACITY), 64);
        base = BufferUtil.address(memory);
        for (int i = 0; i < CAPACITY; i++)
        {
            UnsafeApi.putLong(base + RequestQueueDescriptor.entryOffset(CAPACITY, i) + RequestQueueDescriptor.SEQUENCE_OFFSET,
                RequestQueueDescriptor.freeSequence(i, CAPACITY));
        }
        return new RequestQueue(base, CAPACITY, SLOTS, 64, singleConsumer, GRACE_NS);
    }

    private static void publish(final RequestQueue producer, final long position, final int slot, final long generation)
    {
        producer.publish(position, RequestQueueDescriptor.callId(generation, slot), 7, 4, RequestQueueDescriptor.FLAG_INLINE, 0, 0,
            generation, 0);
    }

    /** Poll until something other than EMPTY comes back, or a second passes. */
    private static int pollUntilSomething(final RequestQueue consumer, final RequestEntry entry)
    {
        final long deadline = System.nanoTime() + 1_000_000_000L;
        int r;
        do
        {
            r = consumer.poll(entry);
        }
        while (r == RequestQueue.EMPTY && System.nanoTime() < deadline);
        return r;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldSkipPositionsTheTailPassedButNobodyPublished(final boolean singleConsumer)
    {
        final RequestQueue consumer = queue(singleConsumer);
        final RequestQueue producer = new RequestQueue(base, CAPACITY, SLOTS, 64, false, GRACE_NS);
        final RequestEntry entry = new RequestEntry();
        // A stray store moves the tail two positions on: 0 and 1 are claimed by nobody.
        UnsafeApi.putLongVolatile(null, base + RequestQueueDescriptor.TAIL_COUNTER_OFFSET, 2);
        assertTrue(consumer.hasRequest(), "a parked consumer is woken for claimed, unpublished positions");
        final long position = producer.claim();
        assertEquals(2, position);
        publish(producer, position, 1, 1);

        final long start = System.nanoTime();
        final List<Long> skipped = new ArrayList<>();
        int r;
        while ((r = pollUntilSomething(consumer, entry)) == RequestQueue.HOLE_SKIPPED)
        {
            skipped.add(entry.position());
        }
        assertTrue(System.nanoTime() - start >= GRACE_NS, "no position is skipped before the grace");
        assertEquals(List.of(0L, 1L), skipped);
        assertEquals(RequestQueue.TAKEN, r);
        assertEquals(2, entry.position());
        assertEquals(3, producer.consumedUpTo());

        // The queue goes on working for more than a lap, with nothing else refused.
        for (long generation = 2; generation < 2 + 3 * CAPACITY; generation++)
        {
            final long p = producer.claim();
            publish(producer, p, 1, generation);
            assertEquals(RequestQueue.TAKEN, pollUntilSomething(consumer, entry), "position " + p);
            assertEquals(p, entry.position());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldWaitForAProducerThatClaimedAndPublishesWithinTheGrace(final boolean singleConsumer) throws Exception
    {
        final RequestQueue consumer = queue(singleConsumer);
        final RequestQueue producer = new RequestQueue(base, CAPACITY, SLOTS, 64, false, GRACE_NS);
        final RequestEntry entry = new RequestEntry();
        final long position = producer.claim();
        final long until = System.nanoTime() + GRACE_NS / 4;
        while (System.nanoTime() < until)
        {
            assertEquals(RequestQueue.EMPTY, consumer.poll(entry));
        }
        publish(producer, position, 0, 1);
        assertEquals(RequestQueue.TAKEN, pollUntilSomething(consumer, entry));
        assertEquals(position, entry.position());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldKeepWorkingWhenASkippedProducerPublishesLate(final boolean singleConsumer)
    {
        final RequestQueue consumer = queue(singleConsumer);
        final RequestQueue producer = new RequestQueue(base, CAPACITY, SLOTS, 64, false, GRACE_NS);
        final RequestEntry entry = new RequestEntry();
        final long slow = producer.claim();
        assertEquals(RequestQueue.HOLE_SKIPPED, pollUntilSomething(consumer, entry));
        assertEquals(slow, entry.position());
        // The slow producer publishes after the grace: its call is lost (its deadline ends it),
        // and the entry reads as free to the next lap.
        publish(producer, slow, 0, 1);
        for (long generation = 1; generation < 1 + 3 * CAPACITY; generation++)
        {
            final long p = producer.claim();
            publish(producer, p, 1, generation);
            assertEquals(RequestQueue.TAKEN, pollUntilSomething(consumer, entry), "position " + p);
            assertEquals(p, entry.position());
        }
    }

    @org.junit.jupiter.api.Test
    void shouldRepairASharedHeadAStrayStoreMovedSoProducersFindRoomAgain()
    {
        final RequestQueue consumer = queue(true);
        final RequestQueue producer = new RequestQueue(base, CAPACITY, SLOTS, 64, false, GRACE_NS);
        final RequestEntry entry = new RequestEntry();
        // Nothing in flight; a stray store sets the shared head a whole lap back: producers see a full queue.
        UnsafeApi.putLongVolatile(null, base + RequestQueueDescriptor.HEAD_COUNTER_OFFSET, -CAPACITY);
        UnsafeApi.putLongVolatile(null, base + RequestQueueDescriptor.HEAD_CACHE_OFFSET, -CAPACITY);
        assertEquals(RequestQueue.FULL, producer.claim());
        assertTrue(consumer.hasRequest(), "a parked consumer is woken to repair the head");
        for (int i = 0; i < 2 * RequestQueue.HOLE_CHECK_INTERVAL; i++)
        {
            assertEquals(RequestQueue.EMPTY, consumer.poll(entry));
        }
        assertEquals(0, producer.consumedUpTo(), "the consumer wrote its head back");
        final long p = producer.claim();
        assertEquals(0, p);
        publish(producer, p, 0, 1);
        assertEquals(RequestQueue.TAKEN, pollUntilSomething(consumer, entry));
    }
}
