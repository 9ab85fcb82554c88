package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.nativeio.Native;

/**
 * A process of the same user writes garbage into a live connection's request queue and response
 * lines (through {@code /proc/<pid>/map_files}) while client threads call an echo server in another
 * JVM. Within the threat model (README, "Hostile peers"): no call waits past its deadline, no call
 * returns a wrong reply, and once the writer stops the connection serves again — or, if the garbage
 * left it unusable, says so ({@code CONNECTION_BROKEN}) and a new connection works.
 */
@Tag("multi-process")
@Timeout(180)
class HostileHeapWriterTest
{
    private static final long CALL_TIMEOUT_MS = 1000;
    private static final int SLOTS = 8;

    @Test
    void shouldNeverHangNorAcceptAWrongReplyWhileAnotherProcessScribblesOnTheConnection() throws Exception
    {
        withEchoServer("/hostile/echo", (rpc, server) ->
        {
            for (int round = 0; round < 3; round++)
            {
                attackOnce(rpc, server, round);
            }
        });
    }

    /** A test body with this JVM's instance and an echo server in another JVM. */
    private interface ServerBody
    {
        void run(Rpcool rpc, ChildJvm server) throws Exception;
    }

    private static void withEchoServer(final String channel, final ServerBody body) throws Exception
    {
        final Path dir = TestDirs.fresh("hostile" + channel.replace('/', '-'));
        final RpcoolContext ctx = TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED).callTimeoutMs(CALL_TIMEOUT_MS);
        try (Rpcool rpc = Rpcool.launch(ctx);
            ChildJvm server = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m")
                .args(dir.toString(), channel, "local").start())
        {
            server.awaitLine("READY", 30_000);
            body.run(rpc, server);
        }
    }

    @Test
    void shouldBreakAConnectionWhoseQueueStaysFullForACallTimeout() throws Exception
    {
        withEchoServer("/hostile/full", (rpc, server) ->
        {
            final Connection conn = rpc.connect("/hostile/full", ConnectOptions.defaults().slots(SLOTS));
            echo(conn, 1);
            // The server stops consuming (stopped, as a stuck process would be) and a stray store moves
            // the tail a whole lap past the head: the queue is full although no slot has an entry in it.
            server.signal("STOP");
            try
            {
                final org.agrona.concurrent.UnsafeBuffer heap = RawEntries.heap(conn);
                final int queue = io.rpcool.layout.ConnectionDescriptor.QUEUE_OFFSET;
                final long head = heap.getLongVolatile(queue + io.rpcool.layout.RequestQueueDescriptor.HEAD_COUNTER_OFFSET);
                heap.putLongVolatile(queue + io.rpcool.layout.RequestQueueDescriptor.TAIL_COUNTER_OFFSET,
                    head + io.rpcool.layout.ConnectionDescriptor.queueCapacity(SLOTS));
                final long start = System.nanoTime();
                final RpcException e = assertThrows(RpcException.class, () -> echo(conn, 2));
                final long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals(Status.CONNECTION_BROKEN, e.status(), e.getMessage());
                assertTrue(e.getMessage().contains("stayed full"), e.getMessage());
                assertTrue(tookMs < 3 * CALL_TIMEOUT_MS + 2000, "broken after " + tookMs + " ms");
                assertEquals(Status.CONNECTION_BROKEN, assertThrows(RpcException.class, () -> echo(conn, 3)).status(),
                    "a broken connection refuses later calls at once");
            }
            finally
            {
                server.signal("CONT");
            }
            conn.close();
            try (Connection fresh = rpc.connect("/hostile/full", ConnectOptions.defaults().slots(SLOTS)))
            {
                assertEquals(4, echo(fresh, 4), "a new connection works");
            }
        });
    }

    private static int echo(final Connection conn, final int value)
    {
        try (ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            call.request().putInt(0, value);
            call.invoke(4);
            return call.reply().getInt(0);
        }
    }

    private static void attackOnce(final Rpcool rpc, final ChildJvm server, final int round) throws Exception
    {
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        final Map<Status, AtomicLong> failures = new ConcurrentHashMap<>();
        final AtomicLong ok = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final Connection[] conn = {rpc.connect("/hostile/echo", ConnectOptions.defaults().slots(SLOTS))};
        final long heapAddress = RawEntries.heapAddress(conn[0]);
        final long heapLength = ((ShmConnection)conn[0]).heapLength();
        final Thread[] callers = new Thread[3];
        for (int t = 0; t < callers.length; t++)
        {
            final int id = t;
            callers[t] = new Thread(() ->
            {
                final SplittableRandom random = new SplittableRandom(round * 10 + id);
                while (!stop.get())
                {
                    final Connection c = conn[0];
                    final long start = System.nanoTime();
                    final int value = random.nextInt();
                    try (ClientCall call = c.newCall(TestServerMain.ECHO))
                    {
                        call.request().putInt(0, value);
                        call.invoke(4);
                        if (call.replyLength() != 4 || call.reply().getInt(0) != value)
                        {
                            problems.add("wrong reply: sent " + value + ", got " + (call.replyLength() == 4 ? call.reply().getInt(0) : -1) +
                                " (" + call.replyLength() + " bytes)");
                        }
                        ok.incrementAndGet();
                    }
                    catch (final RpcException e)
                    {
                        failures.computeIfAbsent(e.status(), s -> new AtomicLong()).incrementAndGet();
                        if (e.status() == Status.CONNECTION_CLOSED || e.status() == Status.PEER_GONE)
                        {
                            problems.add("unexpected " + e.getMessage());
                        }
                    }
                    final long tookMs = (System.nanoTime() - start) / 1_000_000;
                    if (tookMs > 2 * CALL_TIMEOUT_MS + 3000)
                    {
                        problems.add("a call took " + tookMs + " ms, past its deadlines");
                    }
                }
            }, "caller-" + t);
            callers[t].start();
        }
        try (ChildJvm writer = ChildJvm.builder(CorrupterMain.class).jvmFlags("-Xmx64m")
            .args(String.valueOf(Native.pid()), String.valueOf(heapAddress), String.valueOf(heapLength), "8192", "3000",
                String.valueOf(round)).start())
        {
            writer.awaitLine("ATTACKING", 30_000);
            writer.awaitLine("DONE", 30_000);
        }
        stop.set(true);
        for (final Thread t : callers)
        {
            t.join(3 * CALL_TIMEOUT_MS + 10_000);
            assertFalse(t.isAlive(), "caller " + t.getName() + " hung");
        }
        assertTrue(problems.isEmpty(), problems.toString());
        // After the attack: the connection serves again, or says it is broken and a new one does.
        Connection usable = conn[0];
        int served = 0;
        final Map<Status, AtomicLong> afterwards = new ConcurrentHashMap<>();
        // A hole the garbage left in the queue is skipped within RequestQueue.HOLE_GRACE_NS; a
        // connection that cannot recover is declared broken within a few call timeouts.
        final long recoverBy = System.nanoTime() + 30_000_000_000L;
        for (int i = 0; served < 50 && System.nanoTime() < recoverBy; i++)
        {
            try (ClientCall call = usable.newCall(TestServerMain.ECHO))
            {
                call.request().putInt(0, i);
                call.invoke(4);
                assertEquals(i, call.reply().getInt(0));
                served++;
            }
            catch (final RpcException e)
            {
                afterwards.computeIfAbsent(e.status(), s -> new AtomicLong()).incrementAndGet();
                if (e.status() == Status.CONNECTION_BROKEN)
                {
                    usable.close();
                    usable = rpc.connect("/hostile/echo", ConnectOptions.defaults().slots(SLOTS));
                }
            }
        }
        if (served < 50)
        {
            fail("calls work again after the attack; failures during it: " + failures + ", after it: " + afterwards + "\n" +
                HostileWriterDiagnostics.describe(usable, server));
        }
        usable.close();
        if (usable != conn[0])
        {
            conn[0].close();
        }
        System.out.println("round " + round + ": " + ok.get() + " calls answered during the attack, failures " + failures);
    }
}
