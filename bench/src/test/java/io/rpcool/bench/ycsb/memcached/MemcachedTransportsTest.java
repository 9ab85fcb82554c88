package io.rpcool.bench.ycsb.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheResponseStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * The Memcached server in its own JVM and the client in the test JVM, over each transport: round
 * trips with checked values (values larger than the RPCool ring, too), kill -9 of the server while a
 * call is in flight, and peers that write garbage or over-long frames.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemcachedTransportsTest
{
    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(MemcachedTransport.class)
    void shouldAnswerSetGetDeleteAndTheOtherCommandsAcrossProcesses(final MemcachedTransport transport) throws Exception
    {
        try (MemcachedFixture f = new MemcachedFixture(transport).start(); MemcachedClient c = f.connect())
        {
            assertEquals(MemcachedServerHandler.VERSION_STRING, c.version());
            assertNull(c.get("absent"));
            for (int i = 0; i < 200; i++)
            {
                c.set("key-" + i, bytes("value-" + i));
            }
            for (int i = 0; i < 200; i++)
            {
                assertArrayEquals(bytes("value-" + i), c.get("key-" + i));
            }
            assertTrue(c.delete("key-7"));
            assertFalse(c.delete("key-7"));
            assertNull(c.get("key-7"));

            // Values several times the ring's 256 KiB, with content checked byte for byte.
            final Random random = new Random(13);
            for (final int size : new int[] {0, 1, 255 * 1024, 256 * 1024 + 1, 900 * 1024})
            {
                final byte[] value = new byte[size];
                random.nextBytes(value);
                c.set("big-" + size, value);
                assertArrayEquals(value, c.get("big-" + size), "value of " + size + " bytes");
            }

            assertEquals(BinaryMemcacheResponseStatus.NOT_STORED,
                c.store(BinaryMemcacheOpcodes.ADD, "key-1", bytes("x"), 0, 0, 0).status());
            assertEquals(BinaryMemcacheResponseStatus.KEY_ENOENT,
                c.store(BinaryMemcacheOpcodes.REPLACE, "key-7", bytes("x"), 0, 0, 0).status());
            assertTrue(c.store(BinaryMemcacheOpcodes.ADD, "key-7", bytes("again"), 42, 0, 0).ok());
            final MemcachedClient.Response got = c.gets("key-7");
            assertEquals(42, got.flags());
            assertArrayEquals(bytes("again"), got.value());
            assertEquals(BinaryMemcacheResponseStatus.KEY_EEXISTS,
                c.store(BinaryMemcacheOpcodes.SET, "key-7", bytes("stale"), 0, 0, got.cas() + 1).status());
            assertTrue(c.store(BinaryMemcacheOpcodes.SET, "key-7", bytes("fresh"), 0, 0, got.cas()).ok());
            assertArrayEquals(bytes("fresh"), c.get("key-7"));

            assertEquals(10, c.increment("counter", 5, 10));
            assertEquals(15, c.increment("counter", 5, 10));
            c.flush();
            assertNull(c.get("key-1"));
        }
    }

    @ParameterizedTest
    @EnumSource(MemcachedTransport.class)
    void shouldFailTheCallInFlightWithinADeadlineWhenTheServerIsKilled(final MemcachedTransport transport) throws Exception
    {
        try (MemcachedFixture f = new MemcachedFixture(transport).start(); MemcachedClient c = f.connect())
        {
            final byte[] value = new byte[200 * 1024];
            c.set("k", value);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch running = new CountDownLatch(1);
            final long[] failedAtNs = new long[1];
            final Thread caller = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        c.get("k");
                        running.countDown();
                    }
                }
                catch (final IOException | RuntimeException e)
                {
                    failedAtNs[0] = System.nanoTime();
                    failure.set(e);
                }
            });
            caller.start();
            assertTrue(running.await(30, TimeUnit.SECONDS));
            final long killedAtNs = System.nanoTime();
            f.server.kill9();
            caller.join(10_000);
            assertFalse(caller.isAlive(), "the call in flight still waits 10 s after kill -9 of the server");
            final Throwable e = failure.get();
            assertTrue(e instanceof IOException, "got " + e);
            assertTrue(e.getMessage().contains("closed") || e.getMessage().contains("gone") || e.getMessage().contains("reset"),
                e.getMessage());
            assertTrue(failedAtNs[0] - killedAtNs < TimeUnit.SECONDS.toNanos(5), "noticed after " +
                TimeUnit.NANOSECONDS.toMillis(failedAtNs[0] - killedAtNs) + " ms");
            assertThrows(IOException.class, () -> c.get("k"));
        }
    }

    @ParameterizedTest
    @EnumSource(MemcachedTransport.class)
    void shouldCloseOnlyThePeerThatWritesGarbageOrOverlongFrames(final MemcachedTransport transport) throws Exception
    {
        try (MemcachedFixture f = new MemcachedFixture(transport).start(); MemcachedClient good = f.connect())
        {
            good.set("kept", bytes("safe"));

            final byte[] garbage = new byte[4096];
            new Random(7).nextBytes(garbage);
            garbage[0] = 0x13;
            assertClosedByServer(f, garbage);

            // A valid request magic claiming a 2 GiB body.
            final byte[] overlong = new byte[MemcachedFrameGuard.HEADER_LENGTH];
            overlong[0] = MemcachedFrameGuard.REQUEST_MAGIC;
            overlong[1] = BinaryMemcacheOpcodes.SET;
            overlong[8] = 0x7f;
            overlong[9] = (byte)0xff;
            assertClosedByServer(f, overlong);

            assertArrayEquals(bytes("safe"), good.get("kept"), "the well-behaved client and its data are unaffected");
            try (MemcachedClient again = f.connect())
            {
                assertArrayEquals(bytes("safe"), again.get("kept"));
            }
            final String log = f.serverLog();
            assertTrue(log.contains("bad magic byte 0x13"), log);
            assertTrue(log.contains("exceeds the limit"), log);
        }
    }

    /** Connect a raw peer on the transport, write {@code frame}, and expect the server to close it. */
    private static void assertClosedByServer(final MemcachedFixture f, final byte[] frame) throws Exception
    {
        final CountDownLatch closed = new CountDownLatch(1);
        final Channel raw = new Bootstrap().group(f.group).channel(f.transport.clientChannel())
            .handler(new ChannelInboundHandlerAdapter()
            {
                @Override
                public void channelInactive(final ChannelHandlerContext ctx)
                {
                    closed.countDown();
                }

                @Override
                public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
                {
                    ctx.close();
                }
            })
            .connect(f.transport.address(f.endpoint)).sync().channel();
        raw.writeAndFlush(Unpooled.wrappedBuffer(frame));
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the server did not close the peer that wrote a bad frame");
    }
}
