package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.seal.Protection;
import io.rpcool.seal.SealException;
import io.rpcool.seal.SealMode;
import io.rpcool.seal.SealRequirement;

/**
 * Sealed calls with the mprotect backend (no kernel module on the build host): client and server in
 * one process, sharing one mapping of the connection heap.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SealedCallTest
{
    static final int ECHO = 1;
    static final int BLOCK = 2;
    static final int STRICT = 3;
    static final int WHERE = 4;

    private static Channel echoChannel(final Rpcool rpc, final String name, final SealRequirement requirement,
        final AtomicReference<Protection> seen, final CountDownLatch gate)
    {
        final Channel ch = rpc.openChannel(name, ChannelOptions.defaults().requireSeal(requirement).handlerThreads(2));
        ch.register(ECHO, call ->
        {
            seen.set(call.protection());
            call.reply().putBytes(0, call.request(), 0, call.requestLength());
            call.replyLength(call.requestLength());
        });
        ch.register(BLOCK, call ->
        {
            seen.set(call.protection());
            gate.await(20, TimeUnit.SECONDS);
        });
        ch.register(STRICT, call -> seen.set(call.protection()), SealRequirement.KERNEL);
        ch.register(WHERE, call ->
        {
            seen.set(call.protection());
            call.reply().putLong(0, call.request().addressOffset());
            call.replyLength(8);
        });
        return ch;
    }

    @org.junit.jupiter.api.AfterEach
    void shouldLeaveNoHeapMapped(final org.junit.jupiter.api.TestInfo info)
    {
        assertFalse(MappedHeaps.isMapped(0x5000_0000_0000L), info.getDisplayName() + " left its heap mapped");
    }

    @Test
    void shouldServeASealedCallThatTheHandlerSeesSealed()
    {
        final Path dir = TestDirs.fresh("seal-basic");
        final AtomicReference<Protection> seen = new AtomicReference<>();
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            assertEquals("mprotect", rpc.sealBackend(), "no kernel module here: the daemon picks mprotect");
            assertTrue(rpc.stat().contains("seal backend: mprotect"), rpc.stat());
            echoChannel(rpc, "/seal/basic", SealRequirement.SEALED, seen, new CountDownLatch(0));
            try (Connection conn = rpc.connect("/seal/basic"); ClientCall call = conn.newCall(ECHO).sealed(true))
            {
                assertTrue(RawEntries.isSealable(conn), "the default 8192-byte buffers are whole pages");
                for (int i = 0; i < 50; i++)
                {
                    call.request().putInt(0, i);
                    call.invoke(4);
                    assertEquals(i, call.reply().getInt(0));
                    assertEquals(Protection.MPROTECT_SEAL, seen.get());
                }
                // After the reply the seal is held until released: the pages are still read-only.
                assertTrue(call.isSealed());
                assertEquals("r--s", RawEntries.permissionsAt(call.requestAddress()));
                call.releaseSeal();
                assertFalse(call.isSealed());
                assertEquals("rw-s", RawEntries.permissionsAt(call.requestAddress()));
                call.request().putInt(0, 7);
                assertEquals(7, call.request().getInt(0));
            }
        }
    }

    @Test
    void shouldRefuseHonestWritesWhileASealedCallIsInFlight() throws Exception
    {
        final Path dir = TestDirs.fresh("seal-write");
        final AtomicReference<Protection> seen = new AtomicReference<>();
        final CountDownLatch gate = new CountDownLatch(1);
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/write", SealRequirement.NONE, seen, gate);
            try (Connection conn = rpc.connect("/seal/write"); ClientCall call = conn.newCall(BLOCK).sealed(true))
            {
                final MutableDirectBuffer kept = call.request();
                kept.putLong(0, 42);
                final CompletableFuture<ClientCall> f = call.invokeAsync(8);
                final IllegalStateException viaKept = assertThrows(IllegalStateException.class, () -> kept.putLong(0, 43));
                assertTrue(viaKept.getMessage().startsWith("buffer sealed"), viaKept.getMessage());
                final IllegalStateException viaGetter = assertThrows(IllegalStateException.class,
                    () -> call.request().putStringAscii(0, "changed"));
                assertTrue(viaGetter.getMessage().startsWith("buffer sealed"), viaGetter.getMessage());
                assertThrows(IllegalStateException.class, () -> kept.setMemory(0, 16, (byte)1));
                assertEquals(42, kept.getLong(0), "reads stay allowed and see the unchanged request");
                assertEquals("r--s", RawEntries.permissionsAt(call.requestAddress()), "the pages themselves are read-only");
                gate.countDown();
                f.get(10, TimeUnit.SECONDS);
                assertEquals(Protection.MPROTECT_SEAL, seen.get());
                // request() takes the buffer back: the completed seal is released first.
                call.request().putLong(0, 44);
                assertFalse(call.isSealed());
            }
        }
    }

    @Test
    void shouldRefuseToReleaseBeforeTheServerCompletesTheCall() throws Exception
    {
        final Path dir = TestDirs.fresh("seal-early");
        final CountDownLatch gate = new CountDownLatch(1);
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/early", SealRequirement.NONE, new AtomicReference<>(), gate);
            try (Connection conn = rpc.connect("/seal/early"); ClientCall call = conn.newCall(BLOCK).sealed(true))
            {
                final CompletableFuture<ClientCall> f = call.invokeAsync(0);
                final SealException e = assertThrows(SealException.class, call::releaseSeal);
                assertEquals(SealException.Reason.NOT_COMPLETE, e.reason(), e.getMessage());
                assertTrue(call.isSealed());
                gate.countDown();
                f.get(10, TimeUnit.SECONDS);
                call.releaseSeal();
                assertFalse(call.isSealed());
            }
        }
    }

    @Test
    void shouldReleaseManySealsWithOneBatch() throws Exception
    {
        final Path dir = TestDirs.fresh("seal-batch");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/batch", SealRequirement.SEALED, new AtomicReference<>(), new CountDownLatch(0));
            final int n = 16;
            try (Connection conn = rpc.connect("/seal/batch", ConnectOptions.defaults().slots(n).sealReleaseThreshold(n)))
            {
                final List<ClientCall> calls = new ArrayList<>();
                for (int i = 0; i < n; i++)
                {
                    final ClientCall c = conn.newCall(ECHO).sealed(true);
                    c.request().putInt(0, i);
                    calls.add(c);
                }
                for (int i = 0; i < n - 1; i++)
                {
                    calls.get(i).invoke(4);
                    assertTrue(calls.get(i).isSealed(), "held until the batch fills");
                }
                assertEquals(0, RawEntries.batchReleases(conn));
                calls.get(n - 1).invoke(4);
                assertEquals(1, RawEntries.batchReleases(conn), "the 16th completed seal triggers one batch release");
                assertEquals(n, RawEntries.sealsReleasedInBatches(conn));
                for (int i = 0; i < n; i++)
                {
                    assertFalse(calls.get(i).isSealed());
                    assertEquals(i, calls.get(i).reply().getInt(0));
                }
                // The 16 request buffers are adjacent: the batch made them writable with one mprotect.
                assertEquals("rw-s", RawEntries.permissionsAt(calls.get(0).requestAddress()));
                assertEquals("rw-s", RawEntries.permissionsAt(calls.get(n - 1).requestAddress()));

                // A buffer needed before the batch fills is taken back with the seals held so far.
                calls.get(0).invoke(4);
                calls.get(1).invoke(4);
                assertTrue(calls.get(0).isSealed() && calls.get(1).isSealed());
                calls.get(0).request().putInt(0, 100);
                assertEquals(2, RawEntries.batchReleases(conn));
                assertFalse(calls.get(1).isSealed());
                for (final ClientCall c : calls)
                {
                    c.close();
                }
            }
        }
    }

    @Test
    void shouldRejectUnsealedAndForgedCallsAndKeepServing()
    {
        final Path dir = TestDirs.fresh("seal-forged");
        final AtomicReference<Protection> seen = new AtomicReference<>();
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = echoChannel(rpc, "/seal/forged", SealRequirement.SEALED, seen, new CountDownLatch(0));
            try (Connection conn = rpc.connect("/seal/forged", ConnectOptions.defaults().slots(4)))
            {
                try (ClientCall call = conn.newCall(ECHO))
                {
                    seen.set(null);
                    final RpcException e = assertThrows(RpcException.class, () -> call.invoke(4));
                    assertEquals(Status.REJECTED, e.status());
                    assertTrue(e.getMessage().contains("requires sealed calls"), e.getMessage());
                    assertNull(seen.get(), "the handler did not run");
                }
                final int slot = 3;
                // Flag set, garbage seal id, either kind: rejected, handler not run.
                seen.set(null);
                assertEquals(Status.REJECTED.code(), RawEntries.publish(conn, slot, ECHO, 4,
                    RequestQueueDescriptor.FLAG_SEALED, 0xdead_beef_0000_0002L, RequestQueueDescriptor.SEAL_KIND_MPROTECT, 5000));
                assertTrue(RawEntries.replyMessage(conn, slot).contains("does not verify"), RawEntries.replyMessage(conn, slot));
                assertEquals(Status.REJECTED.code(), RawEntries.publish(conn, slot, ECHO, 4,
                    RequestQueueDescriptor.FLAG_SEALED, 0x1_0000_0000L, RequestQueueDescriptor.SEAL_KIND_KERNEL, 5000));
                assertTrue(RawEntries.replyMessage(conn, slot).contains("cannot check seals of that kind"),
                    RawEntries.replyMessage(conn, slot));
                assertNull(seen.get());

                // A genuine seal of another slot's buffer, stolen for this slot: the range does not match.
                final CountDownLatch gate = new CountDownLatch(1);
                ch.register(BLOCK, call -> gate.await(10, TimeUnit.SECONDS));
                try (ClientCall victim = conn.newCall(BLOCK).sealed(true))
                {
                    final CompletableFuture<ClientCall> f = victim.invokeAsync(4);
                    assertNotEquals(slot, victim.slot);
                    assertEquals(Status.REJECTED.code(), RawEntries.publish(conn, slot, ECHO, 4,
                        RequestQueueDescriptor.FLAG_SEALED, victim.sealId(), RequestQueueDescriptor.SEAL_KIND_MPROTECT, 5000));
                    assertTrue(RawEntries.replyMessage(conn, slot).contains("not this call's request buffer"),
                        RawEntries.replyMessage(conn, slot));
                    gate.countDown();
                    assertDoesNotThrow(() -> f.get(10, TimeUnit.SECONDS));
                }
                assertEquals(4, ch.rejectedCalls());
                // Still serving, sealed calls pass.
                try (ClientCall call = conn.newCall(ECHO).sealed(true))
                {
                    call.request().putInt(0, 99);
                    call.invoke(4);
                    assertEquals(99, call.reply().getInt(0));
                    assertEquals(Protection.MPROTECT_SEAL, seen.get());
                }
            }
        }
    }

    @Test
    void shouldRejectMprotectSealsWhereKernelSealsAreRequiredAndStillLetTheClientRelease()
    {
        final Path dir = TestDirs.fresh("seal-kernel-only");
        final AtomicReference<Protection> seen = new AtomicReference<>();
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/strict", SealRequirement.NONE, seen, new CountDownLatch(0));
            try (Connection conn = rpc.connect("/seal/strict"); ClientCall call = conn.newCall(STRICT).sealed(true))
            {
                final RpcException e = assertThrows(RpcException.class, () -> call.invoke(4));
                assertEquals(Status.REJECTED, e.status());
                assertTrue(e.getMessage().contains("requires kernel-enforced seals") && e.getMessage().contains("mprotect"),
                    e.getMessage());
                assertNull(seen.get());
                // The server completed the (valid) seal even though it refused the call.
                call.releaseSeal();
                // A copied request meets the kernel requirement: nobody can change the server's copy.
                call.sealMode(SealMode.COPY).invoke(4);
                assertEquals(Protection.COPY, seen.get());
            }
        }
    }

    @Test
    void shouldCopySmallRequestsAndSealLargeOnesUnderThePolicy()
    {
        final Path dir = TestDirs.fresh("seal-policy");
        final AtomicReference<Protection> seen = new AtomicReference<>();
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/policy", SealRequirement.SEALED, seen, new CountDownLatch(0));
            try (Connection conn = rpc.connect("/seal/policy", ConnectOptions.defaults().bufferSize(16384).copyBelow(4096));
                ClientCall call = conn.newCall(WHERE).sealMode(SealMode.POLICY))
            {
                call.invoke(100);
                assertEquals(Protection.COPY, seen.get());
                assertNotEquals(call.requestAddress(), call.reply().getLong(0), "the handler read a private copy");
                call.invoke(10_000);
                assertEquals(Protection.MPROTECT_SEAL, seen.get());
                assertEquals(call.requestAddress(), call.reply().getLong(0), "a sealed request is read in place");
                call.releaseSeal();
                call.functionId(ECHO).sealMode(SealMode.COPY);
                call.request().putStringAscii(0, "copied");
                call.invoke(10);
                assertEquals("copied", call.reply().getStringAscii(0));
            }
        }
    }

    @Test
    void shouldRefuseToSealOnAConnectionWhoseBuffersAreNotWholePages()
    {
        final Path dir = TestDirs.fresh("seal-unaligned");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/unaligned", SealRequirement.NONE, new AtomicReference<>(), new CountDownLatch(0));
            try (Connection conn = rpc.connect("/seal/unaligned", ConnectOptions.defaults().bufferSize(1024));
                ClientCall call = conn.newCall(ECHO).sealed(true))
            {
                final IllegalStateException e = assertThrows(IllegalStateException.class, () -> call.invoke(4));
                assertTrue(e.getMessage().contains("sealing(true)"), e.getMessage());
            }
            try (Connection conn = rpc.connect("/seal/unaligned", ConnectOptions.defaults().bufferSize(1024).sealing(true));
                ClientCall call = conn.newCall(ECHO).sealed(true))
            {
                assertEquals(4096, conn.bufferSize());
                assertEquals(0, call.requestAddress() & 4095, "request buffers start on a page");
                call.invoke(4);
            }
        }
    }

    @Test
    void shouldFailASealedCallWhoseReleaseIsImpossibleWithAClearMessage() throws Exception
    {
        final Path dir = TestDirs.fresh("seal-timeout");
        final CountDownLatch gate = new CountDownLatch(1);
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            echoChannel(rpc, "/seal/timeout", SealRequirement.NONE, new AtomicReference<>(), gate);
            try (Connection conn = rpc.connect("/seal/timeout"); ClientCall call = conn.newCall(BLOCK).sealed(true))
            {
                final RpcException timeout = assertThrows(RpcException.class, () -> call.invoke(4, 100, TimeUnit.MILLISECONDS));
                assertEquals(Status.DEADLINE_EXCEEDED, timeout.status());
                // The server still reads the request: the buffer stays sealed and says so.
                final SealException e = assertThrows(SealException.class, () -> call.invoke(4));
                assertTrue(e.getMessage().contains("still sealed"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> call.request().putInt(0, 1));
                gate.countDown();
                final long deadline = System.currentTimeMillis() + 10_000;
                while (call.isSealed() && System.currentTimeMillis() < deadline)
                {
                    try
                    {
                        call.releaseSeal();
                    }
                    catch (final SealException notYet)
                    {
                        Thread.sleep(5);
                    }
                }
                assertFalse(call.isSealed(), "released once the late handler completed the seal");
            }
        }
    }

}
