package io.rpcool.netty;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.nativeio.Futex;

/**
 * An idle event loop sleeps on its pipe's doorbell: a peer's write from another JVM wakes it long
 * before its sleep times out, and an idle loop costs (almost) no CPU time.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcoolEventLoopSleepTest
{
    private static final String MAX_SLEEP = "rpcool.netty.maxSleepMs";
    /** Far longer than any round trip: a wake-up that went missing shows as a round trip this long. */
    private static final long LONG_SLEEP_MS = 5_000;

    private static long echoMs(final Channel ch, final Recorder recorder, final String text) throws InterruptedException
    {
        final int before = recorder.text.length();
        final long start = System.nanoTime();
        ch.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        final long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (recorder.text.length() < before + text.length())
        {
            assertTrue(System.nanoTime() - deadline < 0, "no echo of " + text + " within 30 s");
            Thread.onSpinWait();
        }
        assertEquals(text, recorder.text.substring(before, before + text.length()));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void shouldWakeAnIdleLoopWhenThePeerInAnotherJvmWritesLongBeforeItsSleepTimesOut() throws Exception
    {
        assumeFutex();
        final Path dir = TestDirs.fresh("netty-doorbell");
        final String previous = System.setProperty(MAX_SLEEP, Long.toString(LONG_SLEEP_MS));
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)))
        {
            final RpcoolEventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
            try (ChildJvm srv = ChildJvm.builder(EchoServerMain.class).jvmFlags("-Xmx256m", "-D" + MAX_SLEEP + "=" + LONG_SLEEP_MS)
                .args(dir.toString(), "/netty/doorbell", "16384").start())
            {
                srv.awaitLine("READY", 30_000);
                final Recorder recorder = new Recorder();
                final Channel ch = new Bootstrap().group(group).channel(RpcoolSocketChannel.class).handler(recorder)
                    .connect(new RpcoolAddress("/netty/doorbell")).sync().channel();
                final RpcoolEventLoop loop = (RpcoolEventLoop)ch.eventLoop();
                echoMs(ch, recorder, "warm up");
                int quick = 0;
                final StringBuilder times = new StringBuilder();
                for (int round = 0; round < 5; round++)
                {
                    // Both loops (here and in the server's JVM) stop spinning and sleep on their doorbells.
                    Thread.sleep(300);
                    final long sleepsBefore = loop.futexSleeps();
                    final long wakeupsBefore = loop.futexWakeups();
                    final long ms = echoMs(ch, recorder, "ping " + round);
                    times.append(ms).append(" ms ");
                    quick += ms < 250 ? 1 : 0;
                    // Woken from its sleep by this thread's task, and (unless the echo came within the spin) by the server's write.
                    assertTrue(loop.futexWakeups() > wakeupsBefore, "woken " + (loop.futexWakeups() - wakeupsBefore) +
                        " times, slept " + (loop.futexSleeps() - sleepsBefore) + " times");
                }
                // A missed wake-up costs a round trip of up to a sleep's timeout (5 s) in either JVM.
                assertTrue(quick >= 4, "round trips after idle periods: " + times);
                assertTrue(loop.futexSleeps() >= 5, "the loop slept " + loop.futexSleeps() + " times");
                ch.close().sync();
            }
            finally
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
        finally
        {
            restore(previous);
        }
    }

    @Test
    void shouldNotBurnACoreWhileIdle() throws Exception
    {
        assumeFutex();
        final Path dir = TestDirs.fresh("netty-idle-cpu");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)))
        {
            final RpcoolEventLoopGroup serverGroup = new RpcoolEventLoopGroup(1, rpc);
            final RpcoolEventLoopGroup clientGroup = new RpcoolEventLoopGroup(1, rpc);
            try
            {
                final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
                final Channel server = new ServerBootstrap().group(serverGroup).channel(RpcoolServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>()
                    {
                        @Override
                        protected void initChannel(final SocketChannel ch)
                        {
                            accepted.add(ch);
                            ch.pipeline().addLast(new EchoHandler());
                        }
                    })
                    .bind(new RpcoolAddress("/netty/idle")).sync().channel();
                final Recorder recorder = new Recorder();
                final Channel ch = new Bootstrap().group(clientGroup).channel(RpcoolSocketChannel.class).handler(recorder)
                    .connect(new RpcoolAddress("/netty/idle")).sync().channel();
                echoMs(ch, recorder, "before idling");
                final long clientThread = ch.eventLoop().submit(() -> Thread.currentThread().getId()).get();
                final long serverThread = server.eventLoop().submit(() -> Thread.currentThread().getId()).get();
                final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                Thread.sleep(200);
                final long clientCpu = threads.getThreadCpuTime(clientThread);
                final long serverCpu = threads.getThreadCpuTime(serverThread);
                Thread.sleep(1_000);
                final long clientMs = TimeUnit.NANOSECONDS.toMillis(threads.getThreadCpuTime(clientThread) - clientCpu);
                final long serverMs = TimeUnit.NANOSECONDS.toMillis(threads.getThreadCpuTime(serverThread) - serverCpu);
                // Spinning, or parking a few microseconds at a time, costs hundreds of milliseconds a second.
                assertTrue(clientMs < 50 && serverMs < 50, "CPU time over 1 s idle: client loop " + clientMs +
                    " ms, server loop " + serverMs + " ms");
                assertTrue(((RpcoolEventLoop)ch.eventLoop()).futexSleeps() > 0);
                // And still awake to the other side.
                echoMs(ch, recorder, "after idling");
                ch.close().sync();
                server.close().sync();
            }
            finally
            {
                clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    private static void assumeFutex()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(Futex.isAvailable(), () -> "futex(2): " + Futex.unavailabilityCause());
    }

    private static void restore(final String previous)
    {
        if (previous == null)
        {
            System.clearProperty(MAX_SLEEP);
        }
        else
        {
            System.setProperty(MAX_SLEEP, previous);
        }
    }
}
