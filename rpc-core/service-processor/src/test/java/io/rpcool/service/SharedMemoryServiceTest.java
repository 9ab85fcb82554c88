package io.rpcool.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Status;
import io.rpcool.Transport;
import io.rpcool.mem.HeapStats;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedString;
import io.rpcool.service.sample.CatalogRpc;

/**
 * What only shared memory gives typed calls (containers by reference, sealed and sandboxed methods), and
 * cancellation of calls in flight on both transports; the server in another JVM.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedMemoryServiceTest
{
    @Test
    void shouldPassSharedContainersByReferenceAndHonourSealAndSandboxAnnotations() throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-shm", "/svc/shm", "local"))
        {
            final Connection conn = f.conn;
            assertEquals(Transport.SHARED_MEMORY, conn.transport());
            final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
            final long address = SharedString.allocate(conn.heap(), "read in place");
            final SharedString text = new SharedString().wrap(conn.heap().regions(), address);
            assertEquals(13, catalog.sharedLength(text));
            assertEquals(address, catalog.sharedEcho(text).address(), "the server returns the client's string by reference");
            assertEquals("read in place", catalog.sharedEcho(text).toString());

            // @Sealed: the stub seals, the server requires it (the handler checks isSealed) and refuses unsealed calls.
            final byte[] data = new byte[100];
            data[3] = 9;
            long expected = 0;
            for (final byte b : data)
            {
                expected = expected * 31 + b;
            }
            assertEquals(expected, catalog.checksum(data));
            try (ClientCall raw = conn.newCall(CatalogRpc.CHECKSUM.id()))
            {
                raw.request().putLong(0, 1_000_000_000L);
                raw.request().putInt(8, 0);
                final RpcException rejected = assertThrows(RpcException.class, () -> raw.invoke(12));
                assertEquals(Status.REJECTED, rejected.status(), rejected.getMessage());
            }

            // @Sandboxed: confined to the RPC buffer of the first argument; a string outside it is a violation.
            final RpcBuffer buffer = conn.createBuffer(4096);
            final SharedString inside = new SharedString().wrap(conn.heap().regions(), SharedString.allocate(buffer, "boxed in"));
            assertEquals(8, catalog.sandboxedLength(buffer, inside));
            final RpcException violation = assertThrows(RpcException.class, () -> catalog.sandboxedLength(buffer, text));
            assertEquals(Status.SANDBOX_VIOLATION, violation.status(), violation.getMessage());
            assertEquals(8, catalog.sandboxedLength(buffer, inside), "the server keeps serving");
        }
    }

    @Test
    void shouldSpillArgumentsAndResultsLargerThanTheBuffersIntoTheHeapAndFreeThem() throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-spill", "/svc/spill", "local"))
        {
            final CatalogRpc.Stub catalog = CatalogRpc.stub(f.conn);
            final List<String> words = new ArrayList<>();
            for (int i = 0; i < 3000; i++)
            {
                words.add(i % 3 == 0 ? "three" : "other");
            }
            assertTrue(3000 * 9 > f.conn.bufferSize(), "the arguments do not fit the request buffer");
            for (int i = 0; i < 300; i++)
            {
                assertEquals(Map.of("three", 1000, "other", 2000), catalog.countWords(words));
            }
            assertEquals(Map.of("three", 1000, "other", 2000), catalog.countWordsAsync(words).get(10, TimeUnit.SECONDS));
            // Results too: the server spills, the client reads the block in place and frees it.
            for (int i = 0; i < 300; i++)
            {
                assertEquals(2000, catalog.bigItem(2000).tags().size());
            }
            assertEquals("tag-2999", catalog.bigItemAsync(3000).get(10, TimeUnit.SECONDS).tags().get(2999));
            final HeapStats stats = f.conn.heap().heaps()[0].stats();
            assertEquals(1, f.conn.heap().heaps().length, "600 calls of ~64 KiB leave no block behind: " + stats);
            assertTrue(stats.allocations() >= 602, "every call spilled: " + stats);
            assertEquals(0, stats.liveBlocks(), "every spilled block was freed: " + stats);
        }
    }

    @Test
    void shouldRefuseSharedContainersOverTcp() throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-tcp-shared", "/svc/tcp", "other-domain"))
        {
            final Connection conn = f.conn;
            assertEquals(Transport.TCP, conn.transport());
            final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
            final UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> catalog.sharedLength(null));
            assertTrue(e.getMessage().contains("TCP"), e.getMessage());
            assertEquals(3, catalog.add(1, 2));
        }
    }

    @Test
    void shouldCancelAnAsyncCallInFlightAndReuseItsSlotOverSharedMemory() throws Exception
    {
        cancel("local");
    }

    @Test
    void shouldCancelAnAsyncCallInFlightOverTcp() throws Exception
    {
        cancel("other-domain");
    }

    private static void cancel(final String domain) throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-cancel", "/svc/cancel", domain, ConnectOptions.defaults().slots(2)))
        {
            final Connection conn = f.conn;
            final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
            final CompletableFuture<String> slow = catalog.sleepAsync(5_000);
            Thread.sleep(100);
            final long start = System.nanoTime();
            assertTrue(slow.cancel(true));
            assertTrue(slow.isCancelled());
            assertThrows(CancellationException.class, () -> slow.get(1, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3_000), "a cancelled call does not wait for its reply");
            // Over shared memory the other slot serves at once (the TCP server answers one connection's calls
            // in order, so there the next call waits behind the cancelled one).
            assertEquals(3, catalog.add(1, 2));
            if ("local".equals(domain))
            {
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3_000), "the next call does not wait");
            }
            // Once the server has answered the cancelled call late, its slot serves too (two calls in flight need both).
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true)
            {
                final CompletableFuture<String> a = catalog.sleepAsync(10);
                final CompletableFuture<String> b = catalog.sleepAsync(10);
                try
                {
                    assertEquals("slept 10", a.get(10, TimeUnit.SECONDS));
                    assertEquals("slept 10", b.get(10, TimeUnit.SECONDS));
                    break;
                }
                catch (final java.util.concurrent.ExecutionException e)
                {
                    if (!(e.getCause() instanceof RpcException) || System.nanoTime() > deadline)
                    {
                        throw e;
                    }
                }
                catch (final RpcException e)
                {
                    if (e.status() != Status.RESOURCE_EXHAUSTED || System.nanoTime() > deadline)
                    {
                        throw e;
                    }
                }
            }
        }
    }
}
