package io.rpcool.netty;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.Random;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import io.rpcool.netty.ByteRing.CorruptRingException;

/** One ring, producer and consumer ends over the same memory, as two processes would see it. */
class ByteRingTest
{
    private static final int CAPACITY = 4096;

    /** Held by the test instance: the rings point into it, so it must not be collected while they are used. */
    private ByteBuffer memory;

    private long ring()
    {
        memory = BufferUtil.allocateDirectAligned(PipeDescriptor.RING_HEADER_LENGTH + CAPACITY, 64);
        return new UnsafeBuffer(memory).addressOffset();
    }

    @Test
    void shouldCarryAStreamThroughManyWrapAroundsWithEveryKindOfBuffer()
    {
        final long address = ring();
        final ByteRing producer = new ByteRing(address, CAPACITY);
        final ByteRing consumer = new ByteRing(address, CAPACITY);
        producer.reset();
        final Random random = new Random(7);
        final byte[] stream = new byte[1 << 20];
        random.nextBytes(stream);
        final ByteBuf received = Unpooled.buffer(stream.length);
        int sent = 0;
        int round = 0;
        while (received.readableBytes() < stream.length)
        {
            final int length = Math.min(stream.length - sent, random.nextInt(3 * CAPACITY / 2));
            final ByteBuf src = switch (round++ % 3)
            {
                case 0 -> Unpooled.wrappedBuffer(stream, sent, length);
                case 1 -> Unpooled.directBuffer(length).writeBytes(stream, sent, length);
                default -> Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(stream, sent, length / 2),
                    Unpooled.directBuffer(length).writeBytes(stream, sent + length / 2, length - length / 2));
            };
            final int written = producer.write(src);
            assertTrue(written <= CAPACITY);
            sent += written;
            src.release();
            final int ready = consumer.available();
            assertTrue(ready <= CAPACITY);
            final int take = random.nextBoolean() ? ready : random.nextInt(ready + 1);
            final ByteBuf dst = random.nextBoolean() ? Unpooled.directBuffer(take) : Unpooled.buffer(take);
            consumer.read(dst, take);
            received.writeBytes(dst);
            dst.release();
        }
        final byte[] got = new byte[stream.length];
        received.readBytes(got);
        assertArrayEquals(stream, got);
        assertTrue(round > 200, "rounds: " + round);
    }

    @Test
    void shouldRefuseATailOrHeadThePeerCannotHaveWritten()
    {
        final long address = ring();
        final ByteRing producer = new ByteRing(address, CAPACITY);
        final ByteRing consumer = new ByteRing(address, CAPACITY);
        producer.reset();
        producer.write(Unpooled.wrappedBuffer(new byte[100]));
        assertEquals(100, consumer.available());

        final UnsafeBuffer control = new UnsafeBuffer(address, PipeDescriptor.RING_HEADER_LENGTH);
        control.putLongVolatile(PipeDescriptor.TAIL_OFFSET, CAPACITY + 1);
        assertTrue(assertThrows(CorruptRingException.class, consumer::available).getMessage().contains("peer's tail 4097"));
        control.putLongVolatile(PipeDescriptor.TAIL_OFFSET, -5);
        assertThrows(CorruptRingException.class, consumer::available);

        control.putLongVolatile(PipeDescriptor.HEAD_OFFSET, 101);
        assertTrue(assertThrows(CorruptRingException.class, () -> producer.write(Unpooled.wrappedBuffer(new byte[1])))
            .getMessage().contains("peer's head 101"));
        assertEquals(-1, producer.freeSpace());
        control.putLongVolatile(PipeDescriptor.HEAD_OFFSET, 100 - CAPACITY - 1);
        assertThrows(CorruptRingException.class, () -> producer.write(Unpooled.wrappedBuffer(new byte[1])));
    }
}
