package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.RequestQueueDescriptor;

/**
 * Small requests travel in their queue entry and small replies in their response line (layout v3):
 * the handler gets the bytes from private memory, the client reads the reply from the line, and
 * larger ones still go through the slot's buffers. Entries and replies that misuse the inline
 * flags are refused.
 */
class InlineTransportTest
{
    private static final int ECHO = 1;

    @Test
    void shouldCarrySmallRequestsAndRepliesInlineAndLargerOnesInTheBuffers() throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("inline"))))
        {
            final AtomicLong requestAt = new AtomicLong();
            rpc.openChannel("/inline").register(ECHO, call ->
            {
                requestAt.set(call.request().addressOffset());
                // Echo the request, repeated up to the length asked for in its first byte.
                final int replyLength = call.request().getByte(0);
                for (int i = 0; i < replyLength; i++)
                {
                    call.reply().putByte(i, call.request().getByte(i % call.request().capacity()));
                }
                call.replyLength(replyLength);
            });
            try (Connection conn = rpc.connect("/inline"); ClientCall call = conn.newCall(ECHO))
            {
                final long heapStart = RawEntries.heapAddress(conn);
                final long heapEnd = heapStart + ((ShmConnection)conn).heapLength();

                for (int length = 1; length <= 24; length++)
                {
                    for (int i = 0; i < length; i++)
                    {
                        call.request().putByte(i, (byte)(i == 0 ? 40 : 100 + i));
                    }
                    call.invoke(length);
                    final boolean inlineRequest = length <= RequestQueueDescriptor.INLINE_MAX;
                    final boolean inHeap = requestAt.get() >= heapStart && requestAt.get() < heapEnd;
                    assertEquals(!inlineRequest, inHeap, "request of " + length + " bytes read from the heap: " + inHeap);
                    assertEquals(40, call.replyLength());
                    for (int i = 0; i < 40; i++)
                    {
                        final int j = i % length;
                        assertEquals((byte)(j == 0 ? 40 : 100 + j), call.reply().getByte(i), "byte " + i + " of " + length);
                    }
                    // A 40-byte reply comes in the response line, not from the reply buffer.
                    assertTrue(call.reply().addressOffset() != call.replyAddress(), "inline reply");
                }

                call.request().putByte(0, (byte)41);
                call.invoke(1);
                assertEquals(41, call.replyLength());
                assertEquals(call.replyAddress(), call.reply().addressOffset(), "a 41-byte reply is read from the reply buffer");
                assertEquals(41, call.reply().getByte(40));
            }
        }
    }

    @Test
    void shouldRefuseEntriesThatMisuseTheInlineFlag() throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("inline-bad"))))
        {
            final Channel channel = rpc.openChannel("/inline/bad");
            final AtomicLong served = new AtomicLong();
            channel.register(ECHO, call -> served.incrementAndGet());
            try (Connection conn = rpc.connect("/inline/bad", ConnectOptions.defaults().slots(4)))
            {
                final int inline = RequestQueueDescriptor.FLAG_INLINE;
                assertEquals(Status.MALFORMED_REQUEST.code(), RawEntries.publish(conn, 1, ECHO,
                    RequestQueueDescriptor.INLINE_MAX + 1, inline, 0, 0, 5_000));
                assertTrue(RawEntries.replyMessage(conn, 1).contains("inline request of 17 bytes"), RawEntries.replyMessage(conn, 1));
                assertEquals(Status.MALFORMED_REQUEST.code(), RawEntries.publish(conn, 2, ECHO, 4,
                    inline | RequestQueueDescriptor.FLAG_COPY, 0, 0, 5_000));
                assertEquals(Status.MALFORMED_REQUEST.code(), RawEntries.publish(conn, 3, ECHO, 4,
                    inline | RequestQueueDescriptor.FLAG_SEALED, 1, RequestQueueDescriptor.SEAL_KIND_MPROTECT, 5_000));
                assertEquals(0, served.get(), "no handler ran for a malformed entry");
                // A well-formed inline entry is served.
                assertEquals(Status.OK.code(), RawEntries.publish(conn, 0, ECHO, 8, inline, 0, 0, 5_000));
                assertEquals(1, served.get());
            }
        }
    }

    @Test
    void shouldFailACallWhoseInlineReplyIsMalformed() throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("inline-reply"))))
        {
            final CountDownLatch release = new CountDownLatch(1);
            rpc.openChannel("/inline/reply").register(ECHO, call -> release.await(10, TimeUnit.SECONDS));
            try (Connection conn = rpc.connect("/inline/reply", ConnectOptions.defaults().slots(1)))
            {
                final ShmConnection shm = (ShmConnection)conn;
                final UnsafeBuffer heap = new UnsafeBuffer(shm.heapAddress(), (int)shm.heapLength());
                final int line = (int)ConnectionDescriptor.responseLineOffset(ConnectionDescriptor.queueCapacity(1), 0);
                final ClientCall call = conn.newCall(ECHO);
                final var future = call.invokeAsync(0);
                // A hostile server claims an inline reply longer than the line holds.
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.STATUS_OFFSET, Status.OK.code());
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.LENGTH_OFFSET,
                    io.rpcool.layout.ResponseLineDescriptor.INLINE_MAX + 1);
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.FLAGS_OFFSET,
                    io.rpcool.layout.ResponseLineDescriptor.FLAG_INLINE);
                heap.putLongVolatile(line, call.callId);
                final Exception e = assertThrows(Exception.class, () -> future.get(5, TimeUnit.SECONDS));
                assertEquals(Status.MALFORMED_REPLY, ((RpcException)e.getCause()).status(), e.getCause().getMessage());
                release.countDown();
            }
        }
    }
}
