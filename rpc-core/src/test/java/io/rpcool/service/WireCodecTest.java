package io.rpcool.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.rpcool.ReplyStatusException;
import io.rpcool.RpcException;
import io.rpcool.Status;
import io.rpcool.seal.SealRequirement;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The wire form of typed calls: what the writer writes, the reader reads back, and refuses. */
class WireCodecTest
{
    private static final ServiceMethod METHOD =
        new ServiceMethod("svc", "m", "m(java.lang.String)void", SealRequirement.NONE, false, 0, false);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final ServiceWriter out = new ServiceWriter().wrap(buffer, 0, 4096, METHOD, false);

    @Property
    void shouldWriteStringsAsTheirUtf8AndReadThemBack(@ForAll final String value)
    {
        out.wrap(buffer, 0, 4096, METHOD, false);
        out.writeString(value);
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        assertEquals(utf8.length, buffer.getInt(0));
        final byte[] written = new byte[utf8.length];
        buffer.getBytes(4, written);
        assertArrayEquals(utf8, written);
        final ServiceReader in = new ServiceReader().wrap(buffer, 0, out.position());
        assertEquals(new String(utf8, StandardCharsets.UTF_8), in.readString());
        in.expectEnd();
    }

    @Test
    void shouldRoundTripEveryPrimitiveAndNull()
    {
        out.writeBoolean(true);
        out.writeByte((byte)-2);
        out.writeShort((short)-3);
        out.writeChar('é');
        out.writeInt(-4);
        out.writeLong(Long.MIN_VALUE);
        out.writeFloat(1.5f);
        out.writeDouble(Double.NaN);
        out.writeString(null);
        out.writeBytes(null);
        out.writeBytes(new byte[] {7, 8});
        out.writeCount(-1);
        out.writeAddress(0x5000_0000_1000L);
        final ServiceReader in = new ServiceReader().wrap(buffer, 0, out.position());
        assertTrue(in.readBoolean());
        assertEquals(-2, in.readByte());
        assertEquals(-3, in.readShort());
        assertEquals('é', in.readChar());
        assertEquals(-4, in.readInt());
        assertEquals(Long.MIN_VALUE, in.readLong());
        assertEquals(1.5f, in.readFloat());
        assertTrue(Double.isNaN(in.readDouble()));
        assertNull(in.readString());
        assertNull(in.readBytes());
        assertArrayEquals(new byte[] {7, 8}, in.readBytes());
        assertEquals(-1, in.readCount(4));
        assertEquals(0x5000_0000_1000L, in.readAddress());
        in.expectEnd();
    }

    @Test
    void shouldRefuseEveryTruncationOfAMessageWithoutReadingPastIt()
    {
        out.writeString("hello");
        out.writeLong(42);
        out.writeBytes(new byte[] {1, 2, 3});
        final int length = out.position();
        for (int cut = 0; cut < length; cut++)
        {
            final ServiceReader in = new ServiceReader().wrap(buffer, 0, cut);
            assertThrows(MalformedMessageException.class, () ->
            {
                in.readString();
                in.readLong();
                in.readBytes();
            }, "cut at " + cut);
        }
    }

    @Test
    void shouldRefuseCountsAndLengthsTheMessageCannotHold()
    {
        out.writeInt(1_000_000);
        out.writeInt(-2);
        out.writeByte((byte)2);
        final ServiceReader in = new ServiceReader().wrap(buffer, 0, out.position());
        assertThrows(MalformedMessageException.class, () -> in.readCount(1));
        final ServiceReader negative = new ServiceReader().wrap(buffer, 4, out.position());
        assertThrows(MalformedMessageException.class, negative::readString);
        final ServiceReader notBoolean = new ServiceReader().wrap(buffer, 8, out.position());
        assertThrows(MalformedMessageException.class, notBoolean::readPresent);
        final ServiceReader leftOver = new ServiceReader().wrap(buffer, 0, out.position());
        leftOver.readInt();
        assertThrows(MalformedMessageException.class, leftOver::expectEnd);
    }

    @Test
    void shouldFailOverflowWithTheStatusOfItsSideNamingTheMethod()
    {
        final ServiceWriter request = new ServiceWriter().wrap(buffer, 0, 10, METHOD, false);
        final RpcException tooLarge = assertThrows(RpcException.class, () -> request.writeString("more than ten bytes"));
        assertEquals(Status.REQUEST_TOO_LARGE, tooLarge.status());
        assertTrue(tooLarge.getMessage().contains("the arguments of svc.m(java.lang.String)void"), tooLarge.getMessage());
        final ServiceWriter reply = new ServiceWriter().wrap(buffer, 0, 10, METHOD, true);
        final RpcException replyTooLarge = assertThrows(ReplyStatusException.class, () -> reply.writeBytes(new byte[20]));
        assertEquals(Status.REPLY_TOO_LARGE, Status.ofHandlerFailure(replyTooLarge));
    }

    @Test
    void shouldLetHandlersAnswerOnlyStatusesAServerMaySend()
    {
        assertEquals(Status.DEADLINE_EXCEEDED, Status.fromWire(Status.DEADLINE_EXCEEDED.code()));
        assertNull(Status.fromWire(Status.PEER_GONE.code()));
        assertEquals(Status.MALFORMED_REQUEST, Status.ofHandlerFailure(new ReplyStatusException(Status.MALFORMED_REQUEST, "x")));
        assertEquals(Status.HANDLER_FAILED, Status.ofHandlerFailure(new ReplyStatusException(Status.PEER_GONE, "x")));
        assertEquals(Status.HANDLER_FAILED, Status.ofHandlerFailure(new RpcException(Status.MALFORMED_REQUEST, "a nested call's")));
    }

    @Test
    void shouldSpillArgumentsThatOutgrowTheBufferIntoTheHeapInOrder()
    {
        final java.util.List<java.nio.ByteBuffer> blocks = new java.util.ArrayList<>();
        final java.util.List<Long> freed = new java.util.ArrayList<>();
        final io.rpcool.mem.Allocator heap = new io.rpcool.mem.Allocator()
        {
            @Override
            public long allocate(final long length)
            {
                final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect((int)length);
                blocks.add(b);
                return new UnsafeBuffer(b).addressOffset();
            }

            @Override
            public void free(final long address)
            {
                freed.add(address);
            }

            @Override
            public io.rpcool.mem.RegionSet regions()
            {
                return new io.rpcool.mem.RegionSet();
            }
        };
        final ServiceWriter w = new ServiceWriter().wrap(buffer, ServiceServer.HEADER_LENGTH, 100, METHOD, false).spillTo(heap);
        w.writeInt(7);
        final String big = "ü".repeat(30_000);
        w.writeString(big);
        final String bigger = "x".repeat(100_000);
        w.writeString(bigger);
        w.writeString("tail");
        w.writeLong(-1);
        assertEquals(2, blocks.size(), "spilled once into a small block, then again into a larger one");
        assertEquals(1, freed.size(), "the first block is freed when the arguments move on");
        final long block = w.spillAddress();
        final ServiceReader in = new ServiceReader().wrap(new UnsafeBuffer(block, w.position()), 0, w.position());
        assertEquals(7, in.readInt());
        assertEquals(big, in.readString());
        assertEquals(bigger, in.readString());
        assertEquals("tail", in.readString());
        assertEquals(-1, in.readLong());
        in.expectEnd();
    }

    @Test
    void shouldRefuseTwoMethodsWithOneId()
    {
        final ServiceMethod a = new ServiceMethod("svc", "a", "a()void", SealRequirement.NONE, false, 0, false);
        assertThrows(IllegalArgumentException.class, () -> new ServiceDefinition("svc", a, a));
    }
}
