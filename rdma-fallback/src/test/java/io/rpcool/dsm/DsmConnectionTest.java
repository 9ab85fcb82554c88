package io.rpcool.dsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.SharedHeap;
import io.rpcool.Status;
import io.rpcool.Transport;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.mem.SharedString;

import static io.rpcool.dsm.DsmChannelServerMain.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Connections across memory domains over {@link Transport#DSM}: this JVM (domain {@code local}, with
 * the embedded daemon) is the client; servers are separate JVMs ({@link DsmChannelServerMain}), one
 * in this domain (shared memory, for the reference digests) and one in another domain.
 */
@Tag("slow")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DsmConnectionTest
{
    private static final long DEADLINE_MS = 5_000;

    private static Path fresh(final String name) throws IOException
    {
        return Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-test-" + name + "-");
    }

    private static Rpcool embedded(final Path dir)
    {
        return Rpcool.launch(new RpcoolContext().directory(dir).idleMode(RpcoolContext.IdleMode.SPIN).callTimeoutMs(10_000)
            .daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
    }

    private static ChildJvm server(final Path dir, final String channel, final String domain)
    {
        final ChildJvm p = ChildJvm.builder(DsmChannelServerMain.class).name("dsm-" + domain).jvmFlags("-Xmx256m")
            .args(dir.toString(), channel, domain).start();
        p.awaitLine("READY", TestPeers.LINE_MS);
        return p;
    }

    private static long call(final Connection conn, final int function, final long... args)
    {
        try (ClientCall call = conn.newCall(function))
        {
            for (int i = 0; i < args.length; i++)
            {
                call.request().putLong(8 * i, args[i]);
            }
            call.invoke(8 * args.length);
            return call.replyLength() >= 8 ? call.reply().getLong(0) : 0;
        }
    }

    @Test
    void shouldRunPointerRichCallsOverTheDsmWithTheDigestsOfSharedMemory() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final Path dir = fresh("dsm-conn");
        try (Rpcool rpc = embedded(dir);
             ChildJvm near = server(dir, "/dsm/near", "local");
             ChildJvm far = server(dir, "/dsm/far", "far");
             Connection shm = rpc.connect("/dsm/near");
             Connection dsm = rpc.connect("/dsm/far"))
        {
            assertEquals(Transport.SHARED_MEMORY, shm.transport());
            assertEquals(Transport.DSM, dsm.transport(), "automatic choice across domains with the DSM on the class path");

            final Docs.Doc doc = Docs.doc(300, 42);
            final long expected = Docs.digest(doc);
            assertEquals(expected, call(shm, DIGEST, shm.copyFrom(doc)));
            assertEquals(expected, call(dsm, DIGEST, dsm.copyFrom(doc)), "copyFrom into the DSM heap, read in place by the server");

            final long shmList = Docs.build(shm.heap(), shm.heap().regions(), 500, 9);
            final long dsmList = Docs.build(dsm.heap(), dsm.heap().regions(), 500, 9);
            final long walked = call(shm, WALK, shmList);
            assertEquals(walked, call(dsm, WALK, dsmList), "the linked list walked in place over the DSM");

            call(shm, BUMP, shmList, 5);
            call(dsm, BUMP, dsmList, 5);
            final long bumped = Docs.walk(shm.heap().regions(), shmList);
            assertNotEquals(walked, bumped);
            assertEquals(bumped, Docs.walk(dsm.heap().regions(), dsmList), "the server's writes, seen by the client");

            final long greeting = call(dsm, GREETING);
            assertEquals("Hello from the other domain!", SharedString.read(dsm.heap().regions(), greeting));
            assertEquals(1, call(dsm, HAS_HEAP));
            try (ClientCall echo = dsm.newCall(ECHO))
            {
                echo.request().putStringWithoutLengthAscii(0, "plain bytes");
                echo.invoke(11);
                assertEquals("plain bytes", echo.reply().getStringWithoutLengthAscii(0, echo.replyLength()));
            }
        }
    }

    @Test
    void shouldKeepTheCopyFallbackWhenAskedForAndRefuseImpossibleChoices() throws Exception
    {
        final Path dir = fresh("dsm-choice");
        try (Rpcool rpc = embedded(dir);
             ChildJvm far = server(dir, "/dsm/far", "far");
             Connection tcp = rpc.connect("/dsm/far", ConnectOptions.defaults().transport(Transport.TCP)))
        {
            assertEquals(Transport.TCP, tcp.transport());
            final UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, tcp::heap);
            assertTrue(e.getMessage().contains("TCP transport"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> tcp.copyFrom("x"));
            assertEquals(0, call(tcp, HAS_HEAP), "the server's call has no heap over the copy fallback");

            final RpcException shm = assertThrows(RpcException.class,
                () -> rpc.connect("/dsm/far", ConnectOptions.defaults().transport(Transport.SHARED_MEMORY)));
            assertEquals(Status.TRANSPORT_FAILED, shm.status());
            assertTrue(shm.getMessage().contains("another memory domain"), shm.getMessage());
            if (Dsm.isAvailable())
            {
                try (Connection dsm = rpc.connect("/dsm/far", ConnectOptions.defaults().transport(Transport.DSM)))
                {
                    assertEquals(Transport.DSM, dsm.transport());
                }
            }
        }
    }

    @Test
    void shouldFallBackToCopyingWhenTheServerCannotRunTheDsmUnlessTheDsmWasAskedFor() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final Path dir = fresh("dsm-off");
        try (Rpcool rpc = embedded(dir);
             ChildJvm far = ChildJvm.builder(DsmChannelServerMain.class).name("dsm-off").jvmFlags("-Xmx256m")
                 .property("rpcool.dsm", "false").args(dir.toString(), "/dsm/off", "far").start())
        {
            far.awaitLine("READY", TestPeers.LINE_MS);
            try (Connection auto = rpc.connect("/dsm/off"))
            {
                assertEquals(Transport.TCP, auto.transport());
                assertEquals(0, call(auto, HAS_HEAP));
            }
            final RpcException dsm = assertThrows(RpcException.class,
                () -> rpc.connect("/dsm/off", ConnectOptions.defaults().transport(Transport.DSM)));
            assertEquals(Status.TRANSPORT_FAILED, dsm.status());
            assertTrue(dsm.getMessage().contains("DSM unavailable at the server") && dsm.getMessage().contains("rpcool.dsm=false"),
                dsm.getMessage());
        }
    }

    @Test
    void shouldFailTouchesOfPagesTheKilledServerOwnedWithPeerGoneAndReleaseTheHeapOnClose() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final Path dir = fresh("dsm-kill");
        try (Rpcool rpc = embedded(dir); ChildJvm far = server(dir, "/dsm/far", "far"))
        {
            final Connection conn = rpc.connect("/dsm/far", ConnectOptions.defaults().transport(Transport.DSM));
            final SharedHeap heap = conn.heap();
            final long base = heap.heaps()[0].region().base();
            assertTrue(mapped(base), "the DSM heap is mapped at 0x" + Long.toHexString(base));
            final Docs.Doc doc = Docs.doc(200, 7);
            final long pointer = conn.copyFrom(doc);
            assertEquals(Docs.digest(doc), call(conn, DIGEST, pointer));   // the server now owns the doc's pages

            far.kill9();
            final long killedNs = System.nanoTime();
            TestPeers.await(() -> !conn.isOpen(), DEADLINE_MS, "connection closed after kill -9");
            final RpcException touched = assertThrows(RpcException.class, () -> heap.materialize(pointer, Docs.Doc.class));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            assertEquals(Status.PEER_GONE, touched.status(), touched.getMessage());
            assertTrue(touched.getMessage().contains("DSM heap"), touched.getMessage());
            assertTrue(tookMs < DEADLINE_MS, "took " + tookMs + " ms");
            assertEquals(Status.PEER_GONE, assertThrows(RpcException.class, conn::heap).status());
            assertEquals(Status.PEER_GONE, assertThrows(RpcException.class, () -> conn.copyFrom(doc)).status());

            conn.close();
            assertFalse(mapped(base), "the DSM heap is unmapped when the connection closes");
        }
    }

    @Test
    void shouldRefuseClearlyWhenTheAssignedAddressIsTakenInTheClient() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final Path dir = fresh("dsm-taken");
        // The daemon places ranges first fit: the server's DSM heap gets the start of the window, which
        // this process maps first without telling the daemon.
        final long taken = io.rpcool.daemon.AddressSpace.DEFAULT_BASE;
        final int fd = io.rpcool.nativeio.SharedMemory.createSealed("dsm-taken", 1L << 20);
        io.rpcool.nativeio.SharedMemory.mapFixed(fd, taken, 1L << 20);
        boolean ours = true;
        try (Rpcool rpc = embedded(dir); ChildJvm far = server(dir, "/dsm/far", "far"))
        {
            final RpcException e = assertThrows(RpcException.class,
                () -> rpc.connect("/dsm/far", ConnectOptions.defaults().transport(Transport.DSM)));
            assertEquals(Status.TRANSPORT_FAILED, e.status());
            assertTrue(e.getMessage().contains(String.format("at 0x%x", taken)) && e.getMessage().contains("File exists"),
                e.getMessage());
            assertTrue(mapped(taken), "what was mapped there stays");
            io.rpcool.nativeio.SharedMemory.unmap(taken, 1L << 20);
            ours = false;
            try (Connection dsm = rpc.connect("/dsm/far", ConnectOptions.defaults().transport(Transport.DSM)))
            {
                assertEquals(taken, dsm.heap().heaps()[0].region().base(), "the server gave the refused range back");
                assertEquals(1, call(dsm, HAS_HEAP));
            }
        }
        finally
        {
            if (ours)
            {
                io.rpcool.nativeio.SharedMemory.unmap(taken, 1L << 20);
            }
            io.rpcool.nativeio.SharedMemory.close(fd);
        }
    }

    @Test
    void shouldReleaseTheServersHeapAndRangeWhenTheClientIsKilled() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final Path dir = fresh("dsm-client-kill");
        try (Rpcool rpc = embedded(dir))
        {
            final java.util.concurrent.atomic.AtomicLong base = new java.util.concurrent.atomic.AtomicLong();
            final java.util.concurrent.atomic.AtomicLong pointer = new java.util.concurrent.atomic.AtomicLong();
            final java.util.concurrent.atomic.AtomicReference<SharedHeap> heap = new java.util.concurrent.atomic.AtomicReference<>();
            final io.rpcool.Channel ch = rpc.openChannel("/dsm/here");
            ch.register(DIGEST, call ->
            {
                base.set(call.heap().heaps()[0].region().base());
                heap.set(call.heap());
                pointer.set(call.request().getLong(0));
                call.reply().putLong(0, Docs.digest(call.heap().materialize(call.request().getLong(0), Docs.Doc.class)));
                call.replyLength(8);
            });
            try (ChildJvm client = ChildJvm.builder(DsmChannelClientMain.class).name("dsm-client").jvmFlags("-Xmx256m")
                .args(dir.toString(), "/dsm/here", "far").start())
            {
                assertEquals("OWNS DSM " + Docs.digest(Docs.doc(200, 11)), client.awaitLine("OWNS", TestPeers.LINE_MS));
                assertTrue(mapped(base.get()), "the server maps the DSM heap");
                client.kill9();
                TestPeers.await(() -> !mappedQuietly(base.get()), DEADLINE_MS, "DSM heap unmapped in the server");
                final RpcException e = assertThrows(RpcException.class, () -> heap.get().materialize(pointer.get(), Docs.Doc.class),
                    "the doc's pages were the client's when it died");
                assertEquals(Status.PEER_GONE, e.status(), e.getMessage());
                assertTrue(e.getMessage().contains("the client of the DSM heap"), e.getMessage());
            }
            try (Connection again = rpc.connect("/dsm/here"))
            {
                // The daemon places heaps first fit: the connection heap lands where the DSM heap was
                // only if the server gave that range of the window back.
                assertEquals(Transport.SHARED_MEMORY, again.transport());
                assertTrue(mapped(base.get()), "the killed client's range of the window was given back and reused");
            }
        }
    }

    private static boolean mappedQuietly(final long address)
    {
        try
        {
            return mapped(address);
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True if this process maps anything at {@code address}. */
    private static boolean mapped(final long address) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/maps")))
        {
            final String[] range = line.substring(0, line.indexOf(' ')).split("-");
            if (Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16))
            {
                return true;
            }
        }
        return false;
    }
}
