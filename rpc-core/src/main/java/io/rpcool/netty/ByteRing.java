package io.rpcool.netty;

import static io.rpcool.netty.PipeDescriptor.CONSUMER_FLAGS_OFFSET;
import static io.rpcool.netty.PipeDescriptor.HEAD_OFFSET;
import static io.rpcool.netty.PipeDescriptor.PRODUCER_FLAGS_OFFSET;
import static io.rpcool.netty.PipeDescriptor.RING_HEADER_LENGTH;
import static io.rpcool.netty.PipeDescriptor.TAIL_OFFSET;

import org.agrona.concurrent.UnsafeBuffer;

import io.netty.buffer.ByteBuf;

/**
 * One direction of a {@link PipeDescriptor pipe}, seen from one side: both the producer's operations
 * ({@link #write}, {@link #producerFlags(int)}) and the consumer's ({@link #read}, {@link
 * #consumerFlags(int)}) live here, and each side uses only its own. The side's own position is kept
 * in private memory: the shared counter is only ever written from it, never read back, so a peer
 * that overwrites it cannot make this side read or write outside the ring.
 *
 * <p>Not thread-safe: one event-loop thread per side.
 */
final class ByteRing
{
    private final UnsafeBuffer control;
    private final UnsafeBuffer data;
    /** Rewrapped over a ByteBuf's native memory for each copy, so copies allocate nothing. */
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final int capacity;
    private final int mask;
    private long position;
    /** The flags this side has published (a side either produces or consumes on a ring, never both). */
    private int ownFlags;

    ByteRing(final long address, final int capacity)
    {
        this.control = new UnsafeBuffer(address, RING_HEADER_LENGTH);
        this.data = new UnsafeBuffer(address + RING_HEADER_LENGTH, capacity);
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    /** Zero the counters and flags of a ring no one uses yet (the server, before handing the pipe out). */
    void reset()
    {
        control.setMemory(0, RING_HEADER_LENGTH, (byte)0);
        position = 0;
        ownFlags = 0;
    }

    int capacity()
    {
        return capacity;
    }

    // ------------------------------------------------------------------ producer side

    /**
     * Copy as much of {@code src}'s readable bytes as fits (its reader index stays where it is).
     *
     * @return bytes written (0 if the ring is full).
     * @throws CorruptRingException if the consumer's head is not a position this ring can have.
     */
    int write(final ByteBuf src)
    {
        final long tail = position;
        final long head = control.getLongVolatile(HEAD_OFFSET);
        final long used = tail - head;
        if (used < 0 || used > capacity)
        {
            throw new CorruptRingException("peer's head " + head + " is outside [" + (tail - capacity) + ", " + tail +
                "] (tail " + tail + ", capacity " + capacity + ")");
        }
        final int length = (int)Math.min(capacity - used, src.readableBytes());
        if (length == 0)
        {
            return 0;
        }
        final int index = (int)(tail & mask);
        final int first = Math.min(length, capacity - index);
        final int srcIndex = src.readerIndex();
        copyIn(src, srcIndex, index, first);
        if (first < length)
        {
            copyIn(src, srcIndex + first, 0, length - first);
        }
        position = tail + length;
        control.putLongOrdered(TAIL_OFFSET, position);
        return length;
    }

    /** Free space from the producer's side; -1 if the consumer's head is corrupt. */
    long freeSpace()
    {
        final long used = position - control.getLongVolatile(HEAD_OFFSET);
        return used < 0 || used > capacity ? -1 : capacity - used;
    }

    /** Publish flags after the last write ({@link PipeDescriptor#OUTPUT_SHUTDOWN}, {@link PipeDescriptor#CLOSED}). */
    void producerFlags(final int flags)
    {
        ownFlags |= flags;
        control.putIntOrdered(PRODUCER_FLAGS_OFFSET, ownFlags);
    }

    int consumerFlags()
    {
        return control.getIntVolatile(CONSUMER_FLAGS_OFFSET);
    }

    // ------------------------------------------------------------------ consumer side

    int producerFlags()
    {
        return control.getIntVolatile(PRODUCER_FLAGS_OFFSET);
    }

    void consumerFlags(final int flags)
    {
        ownFlags |= flags;
        control.putIntOrdered(CONSUMER_FLAGS_OFFSET, ownFlags);
    }

    /**
     * Bytes ready to read.
     *
     * @throws CorruptRingException if the producer's tail is not a position this ring can have.
     */
    int available()
    {
        final long head = position;
        final long tail = control.getLongVolatile(TAIL_OFFSET);
        final long ready = tail - head;
        if (ready < 0 || ready > capacity)
        {
            throw new CorruptRingException("peer's tail " + tail + " is outside [" + head + ", " + (head + capacity) +
                "] (head " + head + ", capacity " + capacity + ")");
        }
        return (int)ready;
    }

    /** Move {@code length} bytes, at most {@link #available()}, into {@code dst} and release their space. */
    void read(final ByteBuf dst, final int length)
    {
        final long head = position;
        final int index = (int)(head & mask);
        final int first = Math.min(length, capacity - index);
        dst.ensureWritable(length);
        copyOut(index, dst, dst.writerIndex(), first);
        if (first < length)
        {
            copyOut(0, dst, dst.writerIndex() + first, length - first);
        }
        dst.writerIndex(dst.writerIndex() + length);
        position = head + length;
        control.putLongOrdered(HEAD_OFFSET, position);
    }

    private void copyIn(final ByteBuf src, final int srcIndex, final int index, final int length)
    {
        if (src.hasMemoryAddress())
        {
            view.wrap(src.memoryAddress() + srcIndex, length);
            data.putBytes(index, view, 0, length);
        }
        else if (src.hasArray())
        {
            data.putBytes(index, src.array(), src.arrayOffset() + srcIndex, length);
        }
        else
        {
            int at = index;
            for (final java.nio.ByteBuffer part : src.nioBuffers(srcIndex, length))
            {
                final int n = part.remaining();
                data.putBytes(at, part, part.position(), n);
                at += n;
            }
        }
    }

    private void copyOut(final int index, final ByteBuf dst, final int dstIndex, final int length)
    {
        if (dst.hasMemoryAddress())
        {
            view.wrap(dst.memoryAddress() + dstIndex, length);
            data.getBytes(index, view, 0, length);
        }
        else if (dst.hasArray())
        {
            data.getBytes(index, dst.array(), dst.arrayOffset() + dstIndex, length);
        }
        else
        {
            final java.nio.ByteBuffer part = dst.nioBuffer(dstIndex, length);
            data.getBytes(index, part, part.position(), length);
        }
    }

    /** A counter or length in the ring that the peer cannot have written honestly. */
    static final class CorruptRingException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        CorruptRingException(final String message)
        {
            super(message);
        }
    }
}
