package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.daemon.ControlProtocol;
import io.rpcool.daemon.DaemonConfig;
import io.rpcool.daemon.DaemonException;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.RequestQueueDescriptor;

/**
 * Client and server in separate JVMs; the test JVM embeds the daemon.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiProcessTest
{
    private static ChildJvm server(final Path dir, final String channel, final String domain)
    {
        final ChildJvm p = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m").args(dir.toString(), channel, domain).start();
        p.awaitLine("READY", 30_000);
        return p;
    }

    private static Rpcool embedded(final Path dir)
    {
        return Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
    }

    @Test
    void shouldCallServerInAnotherJvmWithZeroCopyBuffersSyncAsyncAndFromManyThreads() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-basic");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/demo/echo", "local");
            Connection conn = rpc.connect("/demo/echo"))
        {
            assertEquals(Transport.SHARED_MEMORY, conn.transport());
            try (ClientCall call = conn.newCall(TestServerMain.HELLO))
            {
                call.invoke(0);
                assertEquals("Hello!", call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
                // The server reads the request at the very address the client wrote it: no copy
                // (requests of up to 16 bytes travel in their queue entry instead; see InlineTransportTest).
                call.functionId(TestServerMain.ADDRESS).invoke(io.rpcool.layout.RequestQueueDescriptor.INLINE_MAX + 1);
                assertEquals(call.requestAddress(), call.reply().getLong(0));
                assertEquals(((ShmConnection)conn).heapAddress() & ~(2L * 1024 * 1024 - 1), ((ShmConnection)conn).heapAddress());
            }

            final List<CompletableFuture<ClientCall>> futures = new ArrayList<>();
            final List<ClientCall> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                final ClientCall c = conn.newCall(TestServerMain.ECHO);
                c.request().putInt(0, i);
                calls.add(c);
                futures.add(c.invokeAsync(4));
            }
            for (int i = 0; i < 16; i++)
            {
                assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS).reply().getInt(0));
                calls.get(i).close();
            }

            final AtomicInteger ok = new AtomicInteger();
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final int id = t;
                threads.add(new Thread(() ->
                {
                    try (ClientCall c = conn.newCall(TestServerMain.ECHO))
                    {
                        for (int i = 0; i < 2000; i++)
                        {
                            c.request().putLong(0, id * 1_000_000L + i);
                            c.invoke(8);
                            if (c.reply().getLong(0) == id * 1_000_000L + i)
                            {
                                ok.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread t : threads)
            {
                t.join();
            }
            assertEquals(8000, ok.get());

            final String stat = rpc.stat();
            assertTrue(stat.contains("/demo/echo"), stat);
            assertTrue(stat.contains(String.format("0x%x", ((ShmConnection)conn).heapAddress())), stat);
            assertTrue(stat.contains("server pid " + srv.pid()), stat);
        }
    }

    @Test
    void shouldFailEveryPendingCallWhenTheServerIsKilled() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-kill-server");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/demo/slow", "local");
            Connection conn = rpc.connect("/demo/slow"))
        {
            final List<CompletableFuture<ClientCall>> pending = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                final ClientCall c = conn.newCall(TestServerMain.SLOW);
                c.request().putInt(0, 60_000);
                pending.add(c.invokeAsync(4));
            }
            final ClientCall sync = conn.newCall(TestServerMain.SLOW);
            sync.request().putInt(0, 60_000);
            final CompletableFuture<RpcException> syncFailure = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    sync.invoke(4);
                    return null;
                }
                catch (final RpcException e)
                {
                    return e;
                }
            });
            Thread.sleep(300);
            final long killedAt = System.nanoTime();
            srv.kill9();
            for (final CompletableFuture<ClientCall> f : pending)
            {
                final ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                assertEquals(Status.PEER_GONE, ((RpcException)e.getCause()).status(), e.getCause().getMessage());
            }
            final RpcException e = syncFailure.get(5, TimeUnit.SECONDS);
            assertNotNull(e, "synchronous call must fail");
            assertEquals(Status.PEER_GONE, e.status());
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue(ms < 5000, "pending calls failed " + ms + " ms after the kill");
            assertFalse(conn.isOpen());
            final RpcException after = assertThrows(RpcException.class, () -> conn.newCall(TestServerMain.ECHO));
            assertEquals(Status.PEER_GONE, after.status());
        }
    }

    @Test
    void shouldKeepServingOthersAndReclaimTheHeapWhenAClientIsKilled() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-kill-client");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/demo/echo", "local");
            ChildJvm client = ChildJvm.builder(TestClientLoopMain.class).jvmFlags("-Xmx256m").args(dir.toString(), "/demo/echo").start();
            Connection conn = rpc.connect("/demo/echo"); ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            client.awaitLine("CALLS 2000", 30_000);
            assertEquals(2, rpc.embeddedDaemon().heapCount());
            client.kill9();
            final long deadline = System.currentTimeMillis() + 5000;
            while (rpc.embeddedDaemon().heapCount() != 1 && System.currentTimeMillis() < deadline)
            {
                call.request().putInt(0, 7);
                call.invoke(4);
                Thread.sleep(10);
            }
            assertEquals(1, rpc.embeddedDaemon().heapCount(), rpc.stat());
            assertFalse(rpc.stat().contains("pid " + client.pid()), rpc.stat());
            for (int i = 0; i < 1000; i++)
            {
                call.request().putInt(0, i);
                call.invoke(4);
                assertEquals(i, call.reply().getInt(0));
            }
        }
    }

    @Test
    void shouldRejectGarbageQueueEntriesAndKeepServing() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-garbage");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/demo/echo", "local");
            Connection conn = rpc.connect("/demo/echo", ConnectOptions.defaults().slots(8)))
        {
            final int slot = 7;
            // Entries a hostile client could write: bad length and bad flags (answered: their check
            // words hold, so the slot and call id are real), a slot the connection does not have and
            // a wrong check word (not answered: nothing in them can be trusted).
            final long badLength = RawEntries.nextCallId(conn, slot);
            long position = RawEntries.claim(conn);
            RawEntries.write(conn, position, badLength, 1, 1 << 30, 0, 0, 0, true);
            RawEntries.publishSequence(conn, position, position + 1);
            assertEquals(Status.MALFORMED_REQUEST.code(), RawEntries.awaitStatus(conn, slot, badLength, 5000));
            final long badFlags = RawEntries.nextCallId(conn, slot);
            position = RawEntries.claim(conn);
            RawEntries.write(conn, position, badFlags, 1, 4, 0xdead, 0, 0, true);
            RawEntries.publishSequence(conn, position, position + 1);
            assertEquals(Status.MALFORMED_REQUEST.code(), RawEntries.awaitStatus(conn, slot, badFlags, 5000));
            position = RawEntries.claim(conn);
            RawEntries.write(conn, position, RequestQueueDescriptor.callId(1, 99), 1, 4, 0, 0, 0, true);
            RawEntries.publishSequence(conn, position, position + 1);
            final long badCheck = RawEntries.nextCallId(conn, slot);
            position = RawEntries.claim(conn);
            RawEntries.write(conn, position, badCheck, TestServerMain.ECHO, 4, 0, 0, 0, false);
            RawEntries.publishSequence(conn, position, position + 1);
            assertEquals(-1, RawEntries.awaitStatus(conn, slot, badCheck, 300), "an entry with a wrong check is not answered");
            {
                // A garbage sequence over an otherwise valid entry: a producer claimed the position, so
                // the server gives it a moment to publish, then takes the entry and lets its check decide.
                final long callId = RawEntries.nextCallId(conn, slot);
                position = RawEntries.claim(conn);
                RawEntries.write(conn, position, callId, TestServerMain.ECHO, 4, 0, 0, 0, true);
                RawEntries.publishSequence(conn, position, 0x7777_7777_7777L);
                assertEquals(Status.OK.code(), RawEntries.awaitStatus(conn, slot, callId, 5000),
                    "server served the entry whose sequence word was garbage");
            }
            final UnsafeBuffer heap = RawEntries.heap(conn);
            final int tailOffset = ConnectionDescriptor.QUEUE_OFFSET + RequestQueueDescriptor.TAIL_COUNTER_OFFSET;
            // The server rejected all of that and still serves this connection and new ones.
            try (ClientCall call = conn.newCall(TestServerMain.ECHO))
            {
                for (int i = 0; i < 100; i++)
                {
                    call.request().putInt(0, i);
                    try
                    {
                        call.invoke(4);
                    }
                    catch (final RpcException e)
                    {
                        final int l = RawEntries.responseLineOffset(conn, call.slot);
                        throw new AssertionError("call " + i + " on slot " + call.slot + " id " + call.callId + " failed; head " +
                            heap.getLongVolatile(ConnectionDescriptor.QUEUE_OFFSET + RequestQueueDescriptor.HEAD_COUNTER_OFFSET) +
                            " tail " + heap.getLongVolatile(tailOffset) + " line id " + heap.getLongVolatile(l) + " status " +
                            heap.getInt(l + 8), e);
                    }
                    assertEquals(i, call.reply().getInt(0));
                }
            }
            try (Connection other = rpc.connect("/demo/echo"); ClientCall call = other.newCall(TestServerMain.HELLO))
            {
                call.invoke(0);
                assertEquals("Hello!", call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
            }
        }
    }

    @Test
    void shouldServeSealedCallsFromAnotherJvmAndRejectUnsealedAndForgedOnes() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-sealed");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/demo/sealed", "local");
            Connection conn = rpc.connect("/demo/sealed", ConnectOptions.defaults().slots(4)))
        {
            try (ClientCall call = conn.newCall(TestServerMain.SEALED_PROTECTION).sealed(true))
            {
                for (int i = 0; i < 100; i++)
                {
                    call.request().putInt(0, i);
                    call.invoke(4);
                    assertEquals("MPROTECT_SEAL", call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
                }
                call.sealed(false);
                call.request().putInt(0, 1);
                final RpcException unsealed = assertThrows(RpcException.class, () -> call.invoke(4));
                assertEquals(Status.REJECTED, unsealed.status());
            }
            assertEquals(Status.REJECTED.code(), RawEntries.publish(conn, 3, TestServerMain.SEALED_PROTECTION, 4,
                RequestQueueDescriptor.FLAG_SEALED, 0x7777_0000_0001L, RequestQueueDescriptor.SEAL_KIND_MPROTECT, 10_000));
            try (ClientCall call = conn.newCall(TestServerMain.ECHO).sealed(true))
            {
                call.request().putInt(0, 5);
                call.invoke(4);
                assertEquals(5, call.reply().getInt(0), "the server keeps serving");
            }
        }
    }

    @Test
    void shouldRefuseAHeapWithAnIncompatibleLayoutVersion() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-layout");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/demo/echo", "local"))
        {
            Connector.layoutVersionForTesting = 999;
            try
            {
                final DaemonException e = assertThrows(DaemonException.class, () -> rpc.connect("/demo/echo"));
                assertEquals(ControlProtocol.E_REJECTED, e.code());
                assertTrue(e.getMessage().contains("layout version 999"), e.getMessage());
            }
            finally
            {
                Connector.layoutVersionForTesting = io.rpcool.layout.ConnectionHeaderDescriptor.LAYOUT_VERSION;
            }
            assertEquals(0, rpc.embeddedDaemon().heapCount(), rpc.stat());
            try (Connection conn = rpc.connect("/demo/echo"); ClientCall call = conn.newCall(TestServerMain.HELLO))
            {
                call.invoke(0);
            }
        }
    }

    @Test
    void shouldFallBackToTcpAcrossMemoryDomains() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-tcp");
        try (Rpcool rpc = embedded(dir); ChildJvm srv = server(dir, "/remote/echo", "other-domain"))
        {
            try (Connection conn = rpc.connect("/remote/echo"); ClientCall call = conn.newCall(TestServerMain.ECHO))
            {
                assertEquals(Transport.TCP, conn.transport());
                for (int i = 0; i < 200; i++)
                {
                    call.request().putInt(0, i);
                    call.invoke(4);
                    assertEquals(i, call.reply().getInt(0));
                }
                call.functionId(TestServerMain.HELLO).invoke(0);
                assertEquals("Hello!", call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
                final RpcException unknown = assertThrows(RpcException.class, () -> call.functionId(42).invoke(0));
                assertEquals(Status.UNKNOWN_FUNCTION, unknown.status());
                final CompletableFuture<ClientCall> f = call.functionId(TestServerMain.ECHO).invokeAsync(4);
                assertNotNull(f.get(5, TimeUnit.SECONDS));
            }
            assertEquals(0, rpc.embeddedDaemon().heapCount(), "no heap for a TCP connection");
        }
    }

    @Test
    void shouldRefuseAConnectionOverTheQuotaNamingIt() throws Exception
    {
        final Path dir = TestDirs.fresh("mp-quota");
        final RpcoolContext ctx = TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)
            .daemonConfig(new DaemonConfig().quotaBytes(2L * 1024 * 1024));
        try (Rpcool rpc = Rpcool.launch(ctx); ChildJvm srv = server(dir, "/demo/echo", "local"))
        {
            try (Connection small = rpc.connect("/demo/echo", ConnectOptions.defaults().slots(4).bufferSize(4096)))
            {
                final DaemonException e = assertThrows(DaemonException.class,
                    () -> rpc.connect("/demo/echo", ConnectOptions.defaults().slots(64).bufferSize(16384)));
                assertEquals(ControlProtocol.E_QUOTA_EXCEEDED, e.code());
                assertTrue(e.getMessage().contains("quota of 2097152 bytes"), e.getMessage());
                try (ClientCall call = small.newCall(TestServerMain.HELLO))
                {
                    call.invoke(0);
                }
            }
        }
    }
}
