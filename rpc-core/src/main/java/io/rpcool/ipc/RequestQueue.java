package io.rpcool.ipc;

import static io.rpcool.layout.RequestQueueDescriptor.*;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import org.agrona.UnsafeApi;

import io.rpcool.nativeio.Futex;

/**
 * A connection's request queue, both sides of it: client threads claim and publish entries, server
 * handler threads read, validate and claim them. Layout and protocol: {@link io.rpcool.layout.RequestQueueDescriptor}.
 *
 * <p>The queue lives in a heap two processes map, so the consumer trusts nothing it reads:
 * <ul>
 * <li>an entry's check word must match its fields, its slot must exist and its call generation must
 * be newer than the last one taken for that slot (so an entry is never served twice, even when a
 * stray store makes an old lap's entry look published again);</li>
 * <li>a sequence word that is neither published nor free is corruption. If no producer has claimed
 * the position yet, the consumer resets it to free; if one has, the consumer gives the producer
 * {@link #PUBLISH_GRACE_NS} to publish, then takes the entry as published and lets the check word
 * decide, so a request whose sequence alone was overwritten is still served;</li>
 * <li>with a single consumer the head lives in the consumer's private memory and is only published
 * to the shared word, so a stray store to the shared head cannot make the consumer skip or repeat
 * entries;</li>
 * <li>a position that was claimed (the tail is past it) but stays unpublished for the hole grace
 * (default {@link #HOLE_GRACE_NS}) is a hole: a stray store moved the tail, or its producer died
 * between claim and publish. The consumer skips it, so one lost position cannot stop the queue for
 * good; a producer that publishes after that grace loses only its own call (its caller's deadline
 * ends it). Empty polls look at the tail only every {@link #HOLE_CHECK_INTERVAL} times, so an idle
 * consumer does not pull the producers' tail line into its cache on every poll;</li>
 * <li>a single consumer also checks the shared head word then and writes its private head back
 * over a stray store, so producers never see a full queue that is empty.</li>
 * </ul>
 * A producer sees a corrupted counter as a queue that cannot take a request ({@link #CORRUPT}),
 * never as room that is not there.
 *
 * <p>Accesses are raw reads and writes at addresses inside the mapped heap: the owner keeps the
 * heap mapped for as long as any thread can be in this class (producers while a call is being sent,
 * consumers until the channel's handler threads have quiesced).
 */
public final class RequestQueue
{
    /** {@link #claim()}: no room (a full queue, which one request per slot never fills). */
    public static final long FULL = -1;
    /** {@link #claim()}: the counters are inconsistent (tail behind head or more than a lap ahead). */
    public static final long CORRUPT = -2;

    /** {@link #poll}: nothing to take. */
    public static final int EMPTY = 0;
    /** {@link #poll}: an entry was taken and is valid. */
    public static final int TAKEN = 1;
    /** {@link #poll}: another consumer took the entry first. */
    public static final int LOST_RACE = 2;
    /** {@link #poll}: an entry was taken and is malformed ({@link RequestEntry#malformedReason()}). */
    public static final int MALFORMED = 3;
    /** {@link #poll}: a corrupt sequence word was found and repaired; nothing taken yet. */
    public static final int CORRUPT_SEQUENCE = 4;
    /** {@link #poll}: a position claimed but never published was skipped; nothing taken. */
    public static final int HOLE_SKIPPED = 5;

    /** Malformed: the check word does not match the fields. */
    public static final int BAD_CHECK = 1;
    /** Malformed: the call id names a slot the connection does not have. */
    public static final int BAD_SLOT = 2;
    /** Malformed: the call generation is not newer than the slot's last (a replayed entry). */
    public static final int STALE_GENERATION = 3;
    /** Malformed: the request is longer than the buffer, or negative. */
    public static final int BAD_LENGTH = 4;
    /** Malformed: unknown flag bits or a combination that makes no sense. */
    public static final int BAD_FLAGS = 5;
    /** Malformed: an inline request longer than {@link io.rpcool.layout.RequestQueueDescriptor#INLINE_MAX}. */
    public static final int INLINE_TOO_LONG = 6;

    /** How long a consumer waits for a producer that claimed a position whose sequence is corrupt. */
    public static final long PUBLISH_GRACE_NS = 1_000_000L;
    /** How long a claimed position may stay unpublished before the consumer skips it. */
    public static final long HOLE_GRACE_NS = 1_000_000_000L;
    /** Empty polls between two looks at the tail for a hole (a power of two). */
    public static final int HOLE_CHECK_INTERVAL = 1024;

    private final long base;
    private final int capacity;
    private final int slotCount;
    private final int bufferSize;
    private final long tailAddress;
    private final long headCacheAddress;
    private final long headAddress;
    /** The only consumer moves the head without a CAS and never reads the shared head word. */
    private final boolean singleConsumer;
    private final long holeGraceNs;
    private long privateHead;
    /** Consumer side: newest call generation taken per slot (single consumer). */
    private final long[] generations;
    /** Consumer side: newest call generation taken per slot (several consumers). */
    private final AtomicLongArray sharedGenerations;

    /**
     * @param queueAddress   address of the queue's first byte.
     * @param capacity       entries, a power of two.
     * @param slotCount      slots of the connection (valid call ids name one).
     * @param bufferSize     bytes of each request buffer (the longest valid request).
     * @param singleConsumer true if one thread is the only consumer (a server with one handler thread).
     */
    public RequestQueue(
        final long queueAddress, final int capacity, final int slotCount, final int bufferSize, final boolean singleConsumer)
    {
        this(queueAddress, capacity, slotCount, bufferSize, singleConsumer, HOLE_GRACE_NS);
    }

    /**
     * @param holeGraceNs how long a claimed position may stay unpublished before a consumer skips it.
     */
    public RequestQueue(
        final long queueAddress, final int capacity, final int slotCount, final int bufferSize, final boolean singleConsumer,
        final long holeGraceNs)
    {
        if (Integer.bitCount(capacity) != 1 || capacity < slotCount)
        {
            throw new IllegalArgumentException("queue capacity " + capacity + " must be a power of two of at least " + slotCount);
        }
        this.base = queueAddress;
        this.capacity = capacity;
        this.slotCount = slotCount;
        this.bufferSize = bufferSize;
        this.tailAddress = queueAddress + TAIL_COUNTER_OFFSET;
        this.headCacheAddress = queueAddress + HEAD_CACHE_OFFSET;
        this.headAddress = queueAddress + HEAD_COUNTER_OFFSET;
        this.singleConsumer = singleConsumer;
        this.holeGraceNs = holeGraceNs;
        this.privateHead = UnsafeApi.getLongVolatile(null, headAddress);
        this.generations = singleConsumer ? new long[slotCount] : null;
        this.sharedGenerations = singleConsumer ? null : new AtomicLongArray(slotCount);
    }

    public int capacity()
    {
        return capacity;
    }

    // ------------------------------------------------------------------------------------ producer

    /**
     * Claim the next position.
     *
     * @return the position, {@link #FULL} or {@link #CORRUPT}.
     */
    public long claim()
    {
        while (true)
        {
            final long tail = UnsafeApi.getLongVolatile(null, tailAddress);
            final long cachedHead = UnsafeApi.getLongVolatile(null, headCacheAddress);
            final long used = tail - cachedHead;
            if (used >= capacity || used < 0)
            {
                final long head = UnsafeApi.getLongVolatile(null, headAddress);
                final long inUse = tail - head;
                if (inUse > capacity || inUse < 0)
                {
                    return CORRUPT;
                }
                if (inUse == capacity)
                {
                    return FULL;
                }
                UnsafeApi.putLongRelease(null, headCacheAddress, head);
            }
            if (UnsafeApi.compareAndSetLong(null, tailAddress, tail, tail + 1))
            {
                return tail;
            }
        }
    }

    /**
     * Write the entry of a claimed position and publish it.
     */
    public void publish(
        final long position,
        final long callId,
        final int functionId,
        final int length,
        final int flags,
        final int sealKind,
        final long sealId,
        final long inline0,
        final long inline1)
    {
        final long entry = base + entryOffset(capacity, position);
        UnsafeApi.putLong(entry + CALL_ID_OFFSET, callId);
        UnsafeApi.putInt(entry + FUNCTION_OFFSET, functionId);
        UnsafeApi.putInt(entry + LENGTH_OFFSET, length);
        UnsafeApi.putInt(entry + FLAGS_OFFSET, flags);
        UnsafeApi.putInt(entry + SEAL_KIND_OFFSET, sealKind);
        UnsafeApi.putLong(entry + SEAL_ID_OFFSET, sealId);
        UnsafeApi.putLong(entry + INLINE_OFFSET, inline0);
        UnsafeApi.putLong(entry + INLINE_OFFSET + 8, inline1);
        UnsafeApi.putInt(entry + CHECK_OFFSET,
            CallCheck.entry(callId, functionId, length, flags, sealKind, sealId, inline0, inline1));
        UnsafeApi.putLongRelease(null, entry + SEQUENCE_OFFSET, position + 1);
    }

    /**
     * The position consumers will take next, as the shared head word says (the client uses it to
     * learn that an entry it published was consumed).
     */
    public long consumedUpTo()
    {
        return UnsafeApi.getLongVolatile(null, headAddress);
    }

    // ------------------------------------------------------------------------------------ consumer

    /**
     * Take at most one entry: read it into {@code into}, validate it, claim it.
     *
     * @return {@link #EMPTY}, {@link #TAKEN}, {@link #MALFORMED} (claimed; see
     * {@link RequestEntry#malformedReason()}), {@link #LOST_RACE}, {@link #CORRUPT_SEQUENCE} or
     * {@link #HOLE_SKIPPED} ({@link RequestEntry#position()} names the position skipped).
     */
    public int poll(final RequestEntry into)
    {
        final long head = singleConsumer ? privateHead : UnsafeApi.getLongVolatile(null, headAddress);
        final long entry = base + entryOffset(capacity, head);
        final long sequence = UnsafeApi.getLongVolatile(null, entry + SEQUENCE_OFFSET);
        if (sequence != head + 1)
        {
            if (sequence == freeSequence(head, capacity))
            {
                return (++into.emptyPolls & (HOLE_CHECK_INTERVAL - 1)) != 0 ? EMPTY : onFree(into, head, entry, sequence);
            }
            if (!singleConsumer && UnsafeApi.getLongVolatile(null, headAddress) != head)
            {
                return LOST_RACE;
            }
            return onCorruptSequence(into, head, entry, sequence);
        }
        // Every field is read before the claim: once the head moves, a producer may reuse the entry.
        into.position = head;
        into.callId = UnsafeApi.getLong(entry + CALL_ID_OFFSET);
        into.functionId = UnsafeApi.getInt(entry + FUNCTION_OFFSET);
        into.length = UnsafeApi.getInt(entry + LENGTH_OFFSET);
        into.flags = UnsafeApi.getInt(entry + FLAGS_OFFSET);
        into.sealKind = UnsafeApi.getInt(entry + SEAL_KIND_OFFSET);
        into.sealId = UnsafeApi.getLong(entry + SEAL_ID_OFFSET);
        into.inline0 = UnsafeApi.getLong(entry + INLINE_OFFSET);
        into.inline1 = UnsafeApi.getLong(entry + INLINE_OFFSET + 8);
        into.check = UnsafeApi.getInt(entry + CHECK_OFFSET);
        if (singleConsumer)
        {
            privateHead = head + 1;
            UnsafeApi.putLongRelease(null, headAddress, head + 1);
        }
        else if (!UnsafeApi.compareAndSetLong(null, headAddress, head, head + 1))
        {
            return LOST_RACE;
        }
        into.corruptPosition = -1;
        into.holePosition = -1;
        into.malformedReason = validate(into);
        return into.malformedReason == 0 ? TAKEN : MALFORMED;
    }

    /**
     * Producer, after {@link #publish}: wake a consumer sleeping on the doorbell, if any. The full
     * fence orders the entry's publication before the read of sleepers (a consumer orders them the
     * other way round), so either this side sees the sleeper or the consumer's last look sees the
     * entry.
     *
     * @return true if a wake-up was issued (a system call).
     */
    public boolean wakeConsumer()
    {
        UnsafeApi.fullFence();
        if (UnsafeApi.getIntVolatile(null, base + SLEEPERS_OFFSET) == 0)
        {
            return false;
        }
        UnsafeApi.getAndAddInt(null, base + DOORBELL_OFFSET, 1);
        Futex.wake(base + DOORBELL_OFFSET, 1);
        return true;
    }

    /**
     * Consumer side, any thread of the server: wake every consumer sleeping on the doorbell (the
     * connection is going, or the consumers' set of connections changed).
     */
    public void wakeConsumers()
    {
        UnsafeApi.getAndAddInt(null, base + DOORBELL_OFFSET, 1);
        Futex.wake(base + DOORBELL_OFFSET, Integer.MAX_VALUE);
    }

    /**
     * Consumer: sleep in {@code futex(2)} on the doorbell until a producer rings it, at most
     * {@code timeoutNs}; return at once if a request is there.
     *
     * @param timespec     the caller's own timeout struct (no allocation per wait).
     * @param keepSleeping looked at after this consumer counted itself a sleeper, before it sleeps:
     *                     something the consumer's own process changes before {@link #wakeConsumers()}
     *                     (its set of connections), so that change is never missed.
     * @return true if woken by a producer (or spuriously), false if it did not sleep or the wait
     *         ended another way.
     */
    public boolean sleep(final long timeoutNs, final Futex.Timespec timespec, final BooleanSupplier keepSleeping)
    {
        final long doorbell = base + DOORBELL_OFFSET;
        final long sleepers = base + SLEEPERS_OFFSET;
        final int seen = UnsafeApi.getIntVolatile(null, doorbell);
        UnsafeApi.getAndAddInt(null, sleepers, 1);
        boolean woken = false;
        if (!hasRequest() && keepSleeping.getAsBoolean())
        {
            woken = Futex.await(doorbell, seen, timeoutNs, timespec) == 0;
        }
        UnsafeApi.getAndAddInt(null, sleepers, -1);
        return woken;
    }

    /**
     * True if an entry waits at the head, or a position was claimed and is not published yet (a
     * read-only look for a parked consumer, which then polls and skips the position if it turns out
     * to be a hole).
     */
    public boolean hasRequest()
    {
        final long head = singleConsumer ? privateHead : UnsafeApi.getLongVolatile(null, headAddress);
        if (UnsafeApi.getLongVolatile(null, base + entryOffset(capacity, head) + SEQUENCE_OFFSET) != freeSequence(head, capacity))
        {
            return true;
        }
        final long claimed = UnsafeApi.getLongVolatile(null, tailAddress) - head;
        return claimed > 0 && claimed <= capacity ||
            singleConsumer && UnsafeApi.getLongVolatile(null, headAddress) != head;
    }

    private int validate(final RequestEntry e)
    {
        if (e.check != CallCheck.entry(e.callId, e.functionId, e.length, e.flags, e.sealKind, e.sealId, e.inline0, e.inline1))
        {
            return BAD_CHECK;
        }
        final int slot = slot(e.callId);
        if (slot >= slotCount)
        {
            return BAD_SLOT;
        }
        if (!advanceGeneration(slot, generation(e.callId)))
        {
            return STALE_GENERATION;
        }
        final int flags = e.flags;
        if (e.length < 0 || e.length > bufferSize)
        {
            return BAD_LENGTH;
        }
        if ((flags & ~KNOWN_FLAGS) != 0 ||
            ((flags & FLAG_SEALED) != 0 && (flags & (FLAG_COPY | FLAG_INLINE)) != 0) ||
            (flags & (FLAG_COPY | FLAG_INLINE)) == (FLAG_COPY | FLAG_INLINE))
        {
            return BAD_FLAGS;
        }
        if ((flags & FLAG_INLINE) != 0 && e.length > INLINE_MAX)
        {
            return INLINE_TOO_LONG;
        }
        return 0;
    }

    private boolean advanceGeneration(final int slot, final long generation)
    {
        if (singleConsumer)
        {
            if (generation <= generations[slot])
            {
                return false;
            }
            generations[slot] = generation;
            return true;
        }
        while (true)
        {
            final long last = sharedGenerations.get(slot);
            if (generation <= last)
            {
                return false;
            }
            if (sharedGenerations.compareAndSet(slot, last, generation))
            {
                return true;
            }
        }
    }

    /**
     * The head's entry is free. If the tail is past it, a producer claimed it: normally it is
     * publishing right now, but a position left unpublished for the hole grace is skipped.
     */
    private int onFree(final RequestEntry into, final long head, final long entry, final long sequence)
    {
        if (singleConsumer && UnsafeApi.getLongVolatile(null, headAddress) != head)
        {
            // A stray store changed the shared head, which this consumer only ever writes: producers
            // would see a full queue (or room that is not there) for good. Publish the true head again.
            UnsafeApi.putLongRelease(null, headAddress, head);
        }
        final long claimed = UnsafeApi.getLongVolatile(null, tailAddress) - head;
        if (claimed <= 0 || claimed > capacity)
        {
            // Nothing claimed; or counters a producer sees as corrupt, and so stops using.
            into.holePosition = -1;
            return EMPTY;
        }
        final long now = System.nanoTime();
        if (into.holePosition != head)
        {
            into.holePosition = head;
            into.holeSinceNs = now;
            return EMPTY;
        }
        if (now - into.holeSinceNs < holeGraceNs)
        {
            return EMPTY;
        }
        if (singleConsumer)
        {
            privateHead = head + 1;
            UnsafeApi.putLongRelease(null, headAddress, head + 1);
        }
        else if (!UnsafeApi.compareAndSetLong(null, headAddress, head, head + 1))
        {
            return LOST_RACE;
        }
        // The entry is free for the next lap; a producer publishing late writes the same value.
        UnsafeApi.compareAndSetLong(null, entry + SEQUENCE_OFFSET, sequence, freeSequence(head + capacity, capacity));
        into.holePosition = -1;
        into.position = head;
        return HOLE_SKIPPED;
    }

    private int onCorruptSequence(final RequestEntry into, final long head, final long entry, final long sequence)
    {
        final long tail = UnsafeApi.getLongVolatile(null, tailAddress);
        if (tail - head <= 0)
        {
            // Nobody has claimed this position: it is free, whatever the word says.
            UnsafeApi.compareAndSetLong(null, entry + SEQUENCE_OFFSET, sequence, freeSequence(head, capacity));
            into.corruptPosition = -1;
            return CORRUPT_SEQUENCE;
        }
        // A producer claimed it and is publishing, or published and a stray store hit the word.
        final long now = System.nanoTime();
        if (into.corruptPosition != head)
        {
            into.corruptPosition = head;
            into.corruptSinceNs = now;
            return EMPTY;
        }
        if (now - into.corruptSinceNs < PUBLISH_GRACE_NS)
        {
            return EMPTY;
        }
        into.corruptPosition = -1;
        UnsafeApi.compareAndSetLong(null, entry + SEQUENCE_OFFSET, sequence, head + 1);
        return CORRUPT_SEQUENCE;
    }

    /**
     * @return what is wrong with a malformed entry this queue refused.
     */
    public String describe(final RequestEntry e)
    {
        switch (e.malformedReason)
        {
            case BAD_SLOT: return "call id 0x" + Long.toHexString(e.callId) + " names slot " + slot(e.callId) + " of " + slotCount;
            case BAD_LENGTH: return "request length " + e.length + " outside the " + bufferSize + "-byte buffer";
            case BAD_FLAGS: return "unknown or contradictory request flags 0x" + Integer.toHexString(e.flags);
            case INLINE_TOO_LONG: return "inline request of " + e.length + " bytes, at most " + INLINE_MAX;
            default: return describe(e.malformedReason);
        }
    }

    /**
     * @return a description of a malformed entry's reason.
     */
    public static String describe(final int reason)
    {
        switch (reason)
        {
            case BAD_CHECK: return "check word does not match the entry";
            case BAD_SLOT: return "call id names no slot of the connection";
            case STALE_GENERATION: return "call generation is not newer than the slot's last call (a replayed entry)";
            case BAD_LENGTH: return "request length outside the buffer";
            case BAD_FLAGS: return "unknown or contradictory request flags";
            case INLINE_TOO_LONG: return "inline request longer than " + INLINE_MAX + " bytes";
            default: return "reason " + reason;
        }
    }
}
