package io.rpcool.ipc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.layout.ResponseLineDescriptor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The request queue and the response lines, driven by real threads: producers publish calls and
 * wait for their replies, consumers take entries and answer them. No call is lost, none is served
 * twice, every position is consumed once and in order, and every reply is the one its call was due.
 */
class RequestProtocolPropertyTest
{
    @Property(tries = 40)
    void shouldNeverLoseDuplicateOrReorderACall(
        @ForAll @IntRange(min = 1, max = 8) final int slots,
        @ForAll @IntRange(min = 1, max = 3) final int producers,
        @ForAll @IntRange(min = 1, max = 2) final int consumers,
        @ForAll @IntRange(min = 1, max = 400) final int callsPerSlot) throws Exception
    {
        final int usedSlots = Math.max(slots, producers);
        final int capacity = Integer.highestOneBit(Math.max(2, usedSlots - 1) * 2);
        final int bufferSize = 64;
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(
            RequestQueueDescriptor.length(capacity) + ResponseLineDescriptor.length(usedSlots) + usedSlots * bufferSize, 64);
        final long base = BufferUtil.address(memory);
        for (int i = 0; i < capacity; i++)
        {
            UnsafeApi.putLong(base + RequestQueueDescriptor.entryOffset(capacity, i) + RequestQueueDescriptor.SEQUENCE_OFFSET,
                RequestQueueDescriptor.freeSequence(i, capacity));
        }
        final long linesAddress = base + RequestQueueDescriptor.length(capacity);
        final long replyBuffers = linesAddress + ResponseLineDescriptor.length(usedSlots);

        final RequestQueue clientQueue = new RequestQueue(base, capacity, usedSlots, bufferSize, false);
        final ResponseLines clientLines = new ResponseLines(linesAddress, usedSlots, bufferSize);
        final RequestQueue serverQueue = new RequestQueue(base, capacity, usedSlots, bufferSize, consumers == 1);
        final ResponseLines serverLines = new ResponseLines(linesAddress, usedSlots, bufferSize);

        final Set<Long> served = ConcurrentHashMap.newKeySet();
        final Set<Long> positions = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong lastPositionSingle = new AtomicLong(-1);
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++)
        {
            threads.add(new Thread(() ->
            {
                final RequestEntry e = new RequestEntry();
                while (!stop.get())
                {
                    final int r = serverQueue.poll(e);
                    if (r == RequestQueue.MALFORMED || r == RequestQueue.CORRUPT_SEQUENCE || r == RequestQueue.HOLE_SKIPPED)
                    {
                        problems.add("consumer saw " + r + " at " + e.position());
                    }
                    if (r != RequestQueue.TAKEN)
                    {
                        Thread.onSpinWait();
                        continue;
                    }
                    if (!positions.add(e.position()))
                    {
                        problems.add("position " + e.position() + " consumed twice");
                    }
                    if (consumers == 1 && lastPositionSingle.getAndSet(e.position()) != e.position() - 1)
                    {
                        problems.add("position " + e.position() + " out of order");
                    }
                    if (!served.add(e.callId()))
                    {
                        problems.add("call 0x" + Long.toHexString(e.callId()) + " served twice");
                    }
                    final int slot = e.slot();
                    serverLines.started(slot, e.callId());
                    final long reply = replyBuffers + (long)slot * bufferSize;
                    UnsafeApi.putLong(reply, e.inline0() * 31 + e.callId());
                    UnsafeApi.putLong(reply + 8, ~e.inline1());
                    serverLines.publishInline(slot, e.callId(), reply, 16);
                }
            }, "consumer-" + c));
        }
        for (int p = 0; p < producers; p++)
        {
            final int first = p;
            threads.add(new Thread(() ->
            {
                final ByteBuffer copy = BufferUtil.allocateDirectAligned(64, 64);
                final long copyAddress = BufferUtil.address(copy);
                final ResponseLines.Reply reply = new ResponseLines.Reply();
                final List<Integer> mine = new ArrayList<>();
                for (int s = first; s < usedSlots; s += producers)
                {
                    mine.add(s);
                }
                final long[] generations = new long[usedSlots];
                final long[] callIds = new long[usedSlots];
                for (int round = 0; round < callsPerSlot; round++)
                {
                    for (final int slot : mine)
                    {
                        final long callId = RequestQueueDescriptor.callId(++generations[slot], slot);
                        callIds[slot] = callId;
                        long position;
                        while ((position = clientQueue.claim()) < 0)
                        {
                            if (position == RequestQueue.CORRUPT)
                            {
                                problems.add("producer saw corrupt counters");
                                return;
                            }
                            Thread.onSpinWait();
                        }
                        clientQueue.publish(position, callId, 7, 16, RequestQueueDescriptor.FLAG_INLINE, 0, 0, round, slot);
                    }
                    for (final int slot : mine)
                    {
                        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        int r;
                        while ((r = clientLines.poll(slot, callIds[slot], copyAddress, reply)) == ResponseLines.PENDING)
                        {
                            if (System.nanoTime() > deadline)
                            {
                                problems.add("call 0x" + Long.toHexString(callIds[slot]) + " lost");
                                return;
                            }
                            Thread.onSpinWait();
                        }
                        if (r != ResponseLines.INLINE || reply.length() != 16 ||
                            UnsafeApi.getLong(copyAddress) != (long)round * 31 + callIds[slot] ||
                            UnsafeApi.getLong(copyAddress + 8) != ~(long)slot)
                        {
                            problems.add("wrong reply to call 0x" + Long.toHexString(callIds[slot]) + ": " + r);
                            return;
                        }
                    }
                }
            }, "producer-" + p));
        }
        for (final Thread t : threads)
        {
            t.start();
        }
        for (int i = consumers; i < threads.size(); i++)
        {
            threads.get(i).join(TimeUnit.SECONDS.toMillis(60));
        }
        stop.set(true);
        for (int i = 0; i < consumers; i++)
        {
            threads.get(i).join(TimeUnit.SECONDS.toMillis(10));
        }
        assertTrue(problems.isEmpty(), problems.toString());
        long expected = 0;
        for (int p = 0; p < producers; p++)
        {
            for (int s = p; s < usedSlots; s += producers)
            {
                expected += callsPerSlot;
            }
        }
        assertEquals(expected, served.size(), "every call served once");
        assertEquals(expected, positions.size(), "every position consumed once");
        for (long position = 0; position < expected; position++)
        {
            assertTrue(positions.contains(position), "position " + position + " consumed");
        }
    }
}
