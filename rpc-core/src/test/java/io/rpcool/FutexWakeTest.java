package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.nativeio.Futex;

/**
 * Wake-ups by the kernel across processes: a waiter that stopped spinning sleeps in {@code futex(2)}
 * on a word of the connection heap and the other process wakes it when it publishes; nobody pays a
 * wake-up while the waiter spins; a waiter nobody wakes still returns at its deadline. Every waiter
 * here parks at most 10 s between looks, so a wake-up that comes within a few seconds came from the
 * peer.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FutexWakeTest
{
    private static final long LONG_PARK_NS = 10_000_000_000L;

    @BeforeAll
    static void futexAvailable()
    {
        assumeTrue(Futex.isAvailable(), () -> "futex unavailable: " + Futex.unavailabilityCause());
    }

    private static ChildJvm server(final Path dir, final String channel, final String idleMode)
    {
        final ChildJvm p = ChildJvm.builder(FutexServerMain.class).jvmFlags("-Xmx128m").args(dir.toString(), channel, idleMode).start();
        p.awaitLine("READY", 30_000);
        return p;
    }

    private static Rpcool client(final Path dir, final RpcoolContext.IdleMode mode, final long callTimeoutMs)
    {
        final Rpcool rpc = Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)
            .idleMode(mode).spinNs(0).callTimeoutMs(callTimeoutMs));
        rpc.waitControl().handOffParkNs(LONG_PARK_NS);
        return rpc;
    }

    /** The server's futex wake-ups issued and sleeps woken, as it prints them. */
    private static long[] serverCounters(final ChildJvm server)
    {
        final int seen = server.lines().size();
        server.send("COUNTERS");
        final long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline)
        {
            final java.util.List<String> lines = server.lines();
            for (int i = seen; i < lines.size(); i++)
            {
                if (lines.get(i).startsWith("COUNTERS "))
                {
                    final String[] f = lines.get(i).split(" ");
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("server did not print its counters");
    }

    /**
     * The server's counter {@code index} once it reaches {@code atLeast} (it counts a wake-up just
     * after issuing it, so the woken side may look first), or its value after 10 s.
     */
    private static long awaitServerCounter(final ChildJvm server, final int index, final long atLeast) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 10_000;
        long value = serverCounters(server)[index];
        while (value < atLeast && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
            value = serverCounters(server)[index];
        }
        return value;
    }

    /** Call with {@code value} as the request; the milliseconds the call took. */
    private static long timedInvokeMs(final ClientCall call, final int value)
    {
        call.request().putInt(0, value);
        final long start = System.nanoTime();
        call.invoke(4);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void shouldWakeAClientAsleepOnItsResponseLineWhenTheServerReplies() throws Exception
    {
        final Path dir = TestDirs.fresh("futex-client");
        try (Rpcool rpc = client(dir, RpcoolContext.IdleMode.HAND_OFF, 30_000); ChildJvm srv = server(dir, "/futex/client", "SPIN");
            Connection conn = rpc.connect("/futex/client"); ClientCall call = conn.newCall(TestServerMain.SLOW))
        {
            final long sleepsBefore = rpc.counterSet().futexSleeps.get();
            for (int i = 0; i < 3; i++)
            {
                final long tookMs = timedInvokeMs(call, 300);
                assertTrue(tookMs >= 300 && tookMs < 3_000,
                    "a 300 ms call completes when the reply comes, not at the 10 s park: " + tookMs);
            }
            assertTrue(rpc.counterSet().futexSleeps.get() - sleepsBefore >= 3, "the caller slept in the kernel and was woken");
            final long wakes = awaitServerCounter(srv, 0, 3);
            assertTrue(wakes >= 3, "the server issued the wake-ups: " + wakes);
        }
    }

    @Test
    void shouldWakeAHandlerAsleepOnTheQueueWhenAClientPublishes() throws Exception
    {
        final Path dir = TestDirs.fresh("futex-server");
        try (Rpcool rpc = client(dir, RpcoolContext.IdleMode.SPIN, 30_000); ChildJvm srv = server(dir, "/futex/server", "HAND_OFF");
            Connection conn = rpc.connect("/futex/server"); ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            call.request().putInt(0, 7);
            call.invoke(4);
            final long wakesBefore = rpc.counterSet().futexWakes.get();
            for (int i = 0; i < 5; i++)
            {
                // Long enough for the handler thread to stop looking and sleep on the doorbell.
                TimeUnit.MILLISECONDS.sleep(200);
                final long tookMs = timedInvokeMs(call, i);
                assertEquals(i, call.reply().getInt(0));
                assertTrue(tookMs < 3_000, "the handler woke at the request, not at its 10 s park: " + tookMs + " ms");
            }
            assertTrue(rpc.counterSet().futexWakes.get() - wakesBefore >= 5, "the client woke the sleeping handler each time");
            final long woken = awaitServerCounter(srv, 1, 5);
            assertTrue(woken >= 5, "the handler's sleeps ended by a wake-up: " + woken);
        }
    }

    @Test
    void shouldIssueNoWakeWhileTheWaiterSpins() throws Exception
    {
        final Path dir = TestDirs.fresh("futex-spin");
        try (Rpcool rpc = client(dir, RpcoolContext.IdleMode.SPIN, 30_000); ChildJvm srv = server(dir, "/futex/spin", "SPIN");
            Connection conn = rpc.connect("/futex/spin"); ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            for (int i = 0; i < 100; i++)
            {
                call.invoke(4);
            }
            final long wakesBefore = rpc.counterSet().futexWakes.get();
            final long sleepsBefore = rpc.counterSet().futexSleeps.get();
            final long serverWakesBefore = serverCounters(srv)[0];
            for (int i = 0; i < 2000; i++)
            {
                call.request().putInt(0, i);
                call.invoke(4);
                assertEquals(i, call.reply().getInt(0));
            }
            assertEquals(0, rpc.counterSet().futexWakes.get() - wakesBefore, "the spinning handler was never woken by a system call");
            assertEquals(0, rpc.counterSet().futexSleeps.get() - sleepsBefore, "the spinning caller never slept");
            assertEquals(serverWakesBefore, serverCounters(srv)[0], "the server never issued a wake-up to the spinning caller");
        }
    }

    @Test
    void shouldReturnAtTheDeadlineWhenThePeerNeverWakes() throws Exception
    {
        final Path dir = TestDirs.fresh("futex-deadline");
        try (Rpcool rpc = client(dir, RpcoolContext.IdleMode.HAND_OFF, 500); ChildJvm srv = server(dir, "/futex/deadline", "SPIN");
            Connection conn = rpc.connect("/futex/deadline"); ClientCall call = conn.newCall(TestServerMain.SLOW))
        {
            call.request().putInt(0, 20_000);
            final long start = System.nanoTime();
            final RpcException e = assertThrows(RpcException.class, () -> call.invoke(4));
            final long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Status.DEADLINE_EXCEEDED, e.status());
            assertTrue(tookMs >= 450 && tookMs < 3_000, "the sleep ends at the 500 ms deadline, not at the 10 s park: " + tookMs);
        }
    }
}
