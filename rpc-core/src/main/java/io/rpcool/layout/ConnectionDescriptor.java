package io.rpcool.layout;

import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;

/**
 * Layout of a connection heap: header, the client's and server's state lines, the request queue,
 * the response and started lines, one sender seal descriptor per slot, then every slot's request
 * buffer followed by every slot's reply buffer.
 *
 * <pre>
 *  offset
 *  0x0000 +-----------------------------------------------+
 *         | header ({@link ConnectionHeaderDescriptor})     |  client, before publishing
 *  0x0040 +-----------------------------------------------+
 *         | client line: pid (8), state (4)                |  client
 *  0x0080 +-----------------------------------------------+
 *         | server line: pid (8), state (4)                |  server
 *  0x00C0 +-----------------------------------------------+
 *         | reserved to the end of the first page          |
 *  0x1000 +-----------------------------------------------+
 *         | request queue ({@link RequestQueueDescriptor}) |  client produces, server consumes
 *         +-----------------------------------------------+
 *         | response lines, then started lines:            |  server
 *         | 2 x slotCount x 64 ({@link ResponseLineDescriptor})
 *         | waiter lines: slotCount x 64                   |  client
 *         +-----------------------------------------------+
 *         | sender seal descriptors: slotCount x 64 bytes  |  client; server marks complete
 *         | ({@link SealDescriptor})                       |
 *         +-----------------------------------------------+  page aligned
 *         | request buffer of slot 0 .. slotCount-1        |  client
 *         |   (bufferSize each, contiguous)                |
 *         +-----------------------------------------------+
 *         | reply buffer of slot 0 .. slotCount-1          |  server
 *         |   (bufferSize each, contiguous)                |
 *         +-----------------------------------------------+
 * </pre>
 *
 * <p>A connection opened for sealing ({@link ConnectionHeaderDescriptor#FLAG_SEALABLE}) has a buffer size
 * that is a multiple of the page size, so every request buffer starts on a page and covers whole
 * pages: a seal (which works on pages) of a request buffer never touches a reply buffer, a queue
 * entry or a response line, and the request buffers of neighbouring slots are adjacent, so
 * releasing the seals of several slots at once needs one permission change per run of slots.
 */
public final class ConnectionDescriptor
{
    public static final int PAGE_SIZE = 4096;

    public static final int CLIENT_LINE_OFFSET = 64;
    public static final int CLIENT_PID_OFFSET = CLIENT_LINE_OFFSET;
    public static final int CLIENT_STATE_OFFSET = CLIENT_LINE_OFFSET + 8;
    public static final int SERVER_LINE_OFFSET = 128;
    public static final int SERVER_PID_OFFSET = SERVER_LINE_OFFSET;
    public static final int SERVER_STATE_OFFSET = SERVER_LINE_OFFSET + 8;

    public static final int STATE_NONE = 0;
    public static final int STATE_OPEN = 1;
    public static final int STATE_CLOSED = 2;

    public static final int QUEUE_OFFSET = PAGE_SIZE;


    public static final int MIN_BUFFER_SIZE = 64;
    public static final int MAX_BUFFER_SIZE = 16 * 1024 * 1024;
    /** At most this many slots: a call id names its slot in {@link RequestQueueDescriptor#SLOT_BITS} bits. */
    public static final int MAX_SLOTS = 4096;

    private ConnectionDescriptor()
    {
    }

    /**
     * @return the queue capacity used for {@code slotCount} slots: the next power of two.
     */
    public static int queueCapacity(final int slotCount)
    {
        return BitUtil.findNextPositivePowerOfTwo(Math.max(2, slotCount));
    }

    /**
     * @return offset of the response and started lines ({@link ResponseLineDescriptor}).
     */
    public static int responsesOffset(final int queueCapacity)
    {
        return QUEUE_OFFSET + RequestQueueDescriptor.length(queueCapacity);
    }

    /**
     * @return offset of the sender seal descriptors, one {@link SealDescriptor} per slot.
     */
    public static long sealDescriptorsOffset(final int slotCount, final int queueCapacity)
    {
        return responsesOffset(queueCapacity) + (long)ResponseLineDescriptor.length(slotCount);
    }

    public static long sealDescriptorOffset(final int slotCount, final int queueCapacity, final int index)
    {
        return sealDescriptorsOffset(slotCount, queueCapacity) + (long)index * SealDescriptor.LENGTH;
    }

    /**
     * @return offset of the first request buffer, page aligned.
     */
    public static long buffersOffset(final int slotCount, final int queueCapacity)
    {
        return BitUtil.align(sealDescriptorsOffset(slotCount, queueCapacity) + (long)slotCount * SealDescriptor.LENGTH, PAGE_SIZE);
    }

    public static long responseLineOffset(final int queueCapacity, final int slot)
    {
        return responsesOffset(queueCapacity) + (long)ResponseLineDescriptor.lineOffset(slot);
    }

    public static long requestBufferOffset(final int slotCount, final int queueCapacity, final int bufferSize, final int slot)
    {
        return buffersOffset(slotCount, queueCapacity) + (long)bufferSize * slot;
    }

    public static long replyBufferOffset(final int slotCount, final int queueCapacity, final int bufferSize, final int slot)
    {
        return buffersOffset(slotCount, queueCapacity) + (long)bufferSize * (slotCount + slot);
    }

    /**
     * @return the heap length needed for {@code slotCount} slots of {@code bufferSize} bytes each way.
     */
    public static long heapLength(final int slotCount, final int bufferSize)
    {
        checkCapacity(slotCount, bufferSize);
        final int capacity = queueCapacity(slotCount);
        return BitUtil.align(buffersOffset(slotCount, capacity) + 2L * bufferSize * slotCount, PAGE_SIZE);
    }

    /**
     * @return true if request buffers of this size can be sealed: a whole number of pages.
     */
    public static boolean isSealable(final int bufferSize)
    {
        return bufferSize > 0 && (bufferSize & (PAGE_SIZE - 1)) == 0;
    }

    /**
     * @return {@code bufferSize} rounded up to a whole number of pages.
     */
    public static int sealableBufferSize(final int bufferSize)
    {
        return (int)BitUtil.align((long)Math.max(bufferSize, 1), PAGE_SIZE);
    }

    public static void checkCapacity(final int slotCount, final int bufferSize)
    {
        if (slotCount < 1 || slotCount > MAX_SLOTS)
        {
            throw new IllegalArgumentException("slot count must be in [1, " + MAX_SLOTS + "]: " + slotCount);
        }
        if (bufferSize < MIN_BUFFER_SIZE || bufferSize > MAX_BUFFER_SIZE || (bufferSize & 63) != 0)
        {
            throw new IllegalArgumentException(
                "buffer size must be a multiple of 64 in [" + MIN_BUFFER_SIZE + ", " + MAX_BUFFER_SIZE + "]: " + bufferSize);
        }
    }

    /**
     * Write the header of a fresh connection heap. Called by the client, which creates the layout;
     * the magic is written last with an ordered store so a reader never sees a half-written header.
     */
    public static void initialise(
        final AtomicBuffer heap,
        final long heapId,
        final long baseAddress,
        final long connectionId,
        final int slotCount,
        final int bufferSize,
        final int layoutVersion)
    {
        final int capacity = queueCapacity(slotCount);
        heap.putInt(ConnectionHeaderDescriptor.VERSION_OFFSET, layoutVersion);
        heap.putInt(ConnectionHeaderDescriptor.KIND_OFFSET, ConnectionHeaderDescriptor.KIND_CONNECTION);
        heap.putLong(ConnectionHeaderDescriptor.HEAP_ID_OFFSET, heapId);
        heap.putLong(ConnectionHeaderDescriptor.BASE_ADDRESS_OFFSET, baseAddress);
        heap.putLong(ConnectionHeaderDescriptor.LENGTH_OFFSET, heap.capacity());
        heap.putInt(ConnectionHeaderDescriptor.SLOT_COUNT_OFFSET, slotCount);
        heap.putInt(ConnectionHeaderDescriptor.BUFFER_SIZE_OFFSET, bufferSize);
        heap.putInt(ConnectionHeaderDescriptor.QUEUE_CAPACITY_OFFSET, capacity);
        heap.putInt(ConnectionHeaderDescriptor.FLAGS_OFFSET, isSealable(bufferSize) ? ConnectionHeaderDescriptor.FLAG_SEALABLE : 0);
        heap.putLong(ConnectionHeaderDescriptor.CONNECTION_ID_OFFSET, connectionId);
        heap.putLong(QUEUE_OFFSET + RequestQueueDescriptor.TAIL_COUNTER_OFFSET, 0);
        heap.putLong(QUEUE_OFFSET + RequestQueueDescriptor.HEAD_CACHE_OFFSET, 0);
        heap.putLong(QUEUE_OFFSET + RequestQueueDescriptor.HEAD_COUNTER_OFFSET, 0);
        heap.putLong(QUEUE_OFFSET + RequestQueueDescriptor.SLEEPERS_OFFSET, 0);
        heap.putLong(QUEUE_OFFSET + RequestQueueDescriptor.DOORBELL_OFFSET, 0);
        for (int i = 0; i < capacity; i++)
        {
            heap.putLong(QUEUE_OFFSET + RequestQueueDescriptor.entryOffset(capacity, i) + RequestQueueDescriptor.SEQUENCE_OFFSET,
                RequestQueueDescriptor.freeSequence(i, capacity));
        }
        heap.setMemory(responsesOffset(capacity), ResponseLineDescriptor.length(slotCount), (byte)0);
        heap.setMemory((int)sealDescriptorsOffset(slotCount, capacity), slotCount * SealDescriptor.LENGTH, (byte)0);
        heap.putLongOrdered(ConnectionHeaderDescriptor.MAGIC_OFFSET, ConnectionHeaderDescriptor.MAGIC);
    }

    /**
     * Validate a connection heap that another process laid out, including that every region it
     * describes fits inside the mapping.
     */
    public static void checkConnectionHeap(final AtomicBuffer heap, final long baseAddress)
    {
        ConnectionHeaderDescriptor.checkHeader(heap, ConnectionHeaderDescriptor.KIND_CONNECTION, baseAddress);
        final int slots = heap.getInt(ConnectionHeaderDescriptor.SLOT_COUNT_OFFSET);
        final int bufferSize = heap.getInt(ConnectionHeaderDescriptor.BUFFER_SIZE_OFFSET);
        final int capacity = heap.getInt(ConnectionHeaderDescriptor.QUEUE_CAPACITY_OFFSET);
        try
        {
            checkCapacity(slots, bufferSize);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IncompatibleLayoutException("connection heap has an invalid geometry: " + e.getMessage());
        }
        if (capacity != queueCapacity(slots))
        {
            throw new IncompatibleLayoutException(
                "connection heap has queue capacity " + capacity + " for " + slots + " slots");
        }
        final int flags = heap.getInt(ConnectionHeaderDescriptor.FLAGS_OFFSET);
        if ((flags & ~ConnectionHeaderDescriptor.KNOWN_FLAGS) != 0)
        {
            throw new IncompatibleLayoutException("connection heap has unknown flags 0x" + Integer.toHexString(flags));
        }
        if ((flags & ConnectionHeaderDescriptor.FLAG_SEALABLE) != 0 && !isSealable(bufferSize))
        {
            throw new IncompatibleLayoutException(
                "connection heap is marked sealable but its buffer size " + bufferSize + " is not a whole number of pages");
        }
        if (heapLength(slots, bufferSize) > heap.capacity())
        {
            throw new IncompatibleLayoutException(
                "connection heap describes " + heapLength(slots, bufferSize) + " bytes but only " + heap.capacity() + " are mapped");
        }
    }
}
