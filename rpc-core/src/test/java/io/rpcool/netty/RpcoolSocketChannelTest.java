package io.rpcool.netty;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * The RPCool Netty channels against Netty's channel contract, with servers and clients in separate
 * JVMs where a crash is involved; the test JVM embeds the daemon.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcoolSocketChannelTest
{
    private static final int SMALL_RING = 16 * 1024;

    private static Rpcool embedded(final Path dir)
    {
        return Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
    }

    private static Channel connect(final RpcoolEventLoopGroup group, final String name, final Recorder recorder) throws InterruptedException
    {
        return new Bootstrap().group(group).channel(RpcoolSocketChannel.class).option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .handler(recorder).connect(new RpcoolAddress(name)).sync().channel();
    }

    /** An in-process echo server; accepted channels are added to {@code accepted}. */
    private static Channel echoServer(final RpcoolEventLoopGroup group, final String name, final boolean autoRead,
        final List<SocketChannel> accepted) throws InterruptedException
    {
        return new ServerBootstrap().group(group).channel(RpcoolServerSocketChannel.class)
            .option(RpcoolChannelOption.RING_CAPACITY, SMALL_RING)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).childOption(ChannelOption.AUTO_READ, autoRead)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    accepted.add(ch);
                    ch.pipeline().addLast(new EchoHandler());
                }
            })
            .bind(new RpcoolAddress(name)).sync().channel();
    }

    /** A body run with an embedded daemon and a two-thread group on it. */
    private interface InProcess
    {
        void run(Path dir, RpcoolEventLoopGroup group) throws Exception;
    }

    private static void inProcess(final String name, final InProcess body) throws Exception
    {
        final Path dir = TestDirs.fresh(name);
        EchoHandler.ERRORS.clear();
        try (Rpcool rpc = embedded(dir))
        {
            final RpcoolEventLoopGroup group = new RpcoolEventLoopGroup(2, rpc);
            try
            {
                body.run(dir, group);
            }
            finally
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    private static ChildJvm echoServerJvm(final Path dir, final String channel)
    {
        final ChildJvm srv = ChildJvm.builder(EchoServerMain.class).jvmFlags("-Xmx256m")
            .args(dir.toString(), channel, Integer.toString(SMALL_RING)).start();
        srv.awaitLine("READY", 30_000);
        return srv;
    }

    private static void await(final BooleanSupplier condition, final long timeoutMs, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void assertEcho(final Channel ch, final Recorder recorder, final String text) throws InterruptedException
    {
        final int before = recorder.text.length();
        ch.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        await(() -> recorder.text.length() >= before + text.length(), 10_000, "the echo of " + text);
        assertEquals(text, recorder.text.substring(before, before + text.length()));
    }

    @Test
    void shouldEchoSeveralMegabytesAcrossJvmsThroughWrapAroundAndSeeEndOfStreamAfterShutdownOutput() throws Exception
    {
        inProcess("netty-echo", (dir, group) ->
        {
            try (ChildJvm srv = echoServerJvm(dir, "/netty/echo"))
            {
                final Recorder recorder = new Recorder();
                final SocketChannel ch = (SocketChannel)connect(group, "/netty/echo", recorder);
                assertTrue(ch.isActive());
                assertEcho(ch, recorder, "hello over shared memory");
                recorder.text.setLength(0);
                recorder.received.set(0);
                recorder.digest();

                // 8 MiB in uneven pieces through 16 KiB rings: hundreds of wrap-arounds each way.
                final Random random = new Random(42);
                final MessageDigest sent = MessageDigest.getInstance("SHA-256");
                long total = 0;
                ChannelFuture last = null;
                while (total < 8L * 1024 * 1024)
                {
                    final byte[] chunk = new byte[1 + random.nextInt(100_000)];
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    total += chunk.length;
                    last = ch.write(Unpooled.wrappedBuffer(chunk));
                }
                ch.flush();
                assertTrue(last.await(60, TimeUnit.SECONDS) && last.isSuccess(), "the last write completes");
                assertTrue(ch.shutdownOutput().await(10, TimeUnit.SECONDS));
                assertTrue(ch.isOutputShutdown());

                recorder.inputShutdown.get(60, TimeUnit.SECONDS);
                assertTrue(ch.isInputShutdown());
                assertEquals(total, recorder.received.get());
                assertArrayEquals(sent.digest(), recorder.digest(), "every byte came back in order");
                assertTrue(recorder.errors.isEmpty(), recorder.errors.toString());
                ch.close().sync();
                assertFalse(ch.isOpen());
            }
        });
    }

    @Test
    void shouldCloseTheClientsChannelWhenTheServerJvmIsKilled() throws Exception
    {
        inProcess("netty-kill-server", (dir, group) ->
        {
            try (ChildJvm srv = echoServerJvm(dir, "/netty/victim"))
            {
                final Recorder recorder = new Recorder();
                final Channel ch = connect(group, "/netty/victim", recorder);
                assertEcho(ch, recorder, "ping");
                srv.kill9();
                recorder.inactive.get(10, TimeUnit.SECONDS);
                assertFalse(ch.isOpen());
                assertTrue(recorder.errors.stream().anyMatch(e -> e.contains("server is gone")), recorder.errors.toString());
            }
        });
    }

    @Test
    void shouldCloseTheServersChannelWhenTheClientJvmIsKilledAndKeepServingOthers() throws Exception
    {
        inProcess("netty-kill-client", (dir, group) ->
        {
            final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
            final RpcoolServerSocketChannel server = (RpcoolServerSocketChannel)echoServer(group, "/netty/survivor", true, accepted);
            try (ChildJvm client = ChildJvm.builder(StreamClientMain.class).jvmFlags("-Xmx256m")
                .args(dir.toString(), "/netty/survivor").start())
            {
                client.awaitLine("CONNECTED", 30_000);
                await(() -> accepted.size() == 1, 10_000, "the accepted channel");
                client.kill9();
                assertTrue(accepted.get(0).closeFuture().await(10, TimeUnit.SECONDS), "the server's end closes");
            }
            assertTrue(EchoHandler.ERRORS.stream().anyMatch(e -> e.contains("client process")), EchoHandler.ERRORS.toString());
            await(() -> server.lingeringPipes() == 0, 10_000, "the dead client's pipe to be freed");

            final Recorder recorder = new Recorder();
            final Channel other = connect(group, "/netty/survivor", recorder);
            assertEcho(other, recorder, "still serving");
            other.close().sync();
            await(() -> accepted.size() == 2 && !accepted.get(1).isOpen(), 10_000, "the server's end to see the close");
            await(() -> server.lingeringPipes() == 0, 10_000, "the closed stream's pipe to be freed");
            server.close().sync();
            await(server::isChannelClosed, 10_000, "the RPCool channel to close with the server channel");
        });
    }

    @Test
    void shouldTurnUnwritableWhenTheRingIsFullAndWritableOnceThePeerDrainsIt() throws Exception
    {
        inProcess("netty-backpressure", (dir, group) ->
        {
            final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
            final Channel server = echoServer(group, "/netty/slow-reader", false, accepted);
            final Recorder recorder = new Recorder();
            final Channel ch = connect(group, "/netty/slow-reader", recorder);
            await(() -> accepted.size() == 1, 10_000, "the accepted channel");

            // The server does not read: the 16 KiB ring fills, then Netty's outbound buffer passes 64 KiB.
            final byte[] chunk = new byte[8192];
            long written = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ch.isWritable() && System.nanoTime() - deadline < 0)
            {
                ch.writeAndFlush(Unpooled.wrappedBuffer(chunk));
                written += chunk.length;
                Thread.sleep(1);
            }
            assertFalse(ch.isWritable(), "unwritable after " + written + " bytes with a reader that does not read");
            assertTrue(written > SMALL_RING, "the ring took " + written + " bytes first");
            await(() -> recorder.writabilityChanges.get() >= 1, 10_000, "channelWritabilityChanged (false)");

            accepted.get(0).config().setAutoRead(true);
            final long expected = written;
            await(ch::isWritable, 10_000, "writable again once the reader drains the ring");
            await(() -> recorder.writabilityChanges.get() >= 2, 10_000, "channelWritabilityChanged (true)");
            await(() -> recorder.received.get() == expected, 10_000, "every byte echoed");
            ch.close().sync();
            server.close().sync();
        });
    }

    @Test
    void shouldCloseOnlyTheConnectionWhoseRingAPeerCorrupted() throws Exception
    {
        inProcess("netty-garbage", (dir, group) ->
        {
            final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
            final Channel server = echoServer(group, "/netty/garbage", true, accepted);
            final Recorder victim = new Recorder();
            final Recorder bystander = new Recorder();
            final RpcoolSocketChannel a = (RpcoolSocketChannel)connect(group, "/netty/garbage", victim);
            final Channel b = connect(group, "/netty/garbage", bystander);
            assertEcho(a, victim, "a");
            assertEcho(b, bystander, "b");

            // From outside: a tail that claims far more bytes than the ring holds.
            final long tail = a.pipeAddress() + PipeDescriptor.clientToServerOffset() + PipeDescriptor.TAIL_OFFSET;
            new UnsafeBuffer(tail, 8).putLongVolatile(0, 1L << 40);

            await(() -> EchoHandler.ERRORS.stream().anyMatch(e -> e.contains("ring was corrupted")), 10_000,
                "the server to report the corrupt ring");
            assertTrue(EchoHandler.ERRORS.stream().anyMatch(e -> e.contains("peer's tail 1099511627776 is outside")),
                EchoHandler.ERRORS.toString());
            java.util.concurrent.CompletableFuture.anyOf(victim.inputShutdown, victim.inactive).get(10, TimeUnit.SECONDS);
            assertEcho(b, bystander, "still here");
            b.close().sync();
            server.close().sync();
        });
    }
}
