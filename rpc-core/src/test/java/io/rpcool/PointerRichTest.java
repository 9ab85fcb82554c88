package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.TestServerMain.Line;
import io.rpcool.TestServerMain.Order;
import io.rpcool.daemon.ControlProtocol;
import io.rpcool.daemon.DaemonConfig;
import io.rpcool.daemon.DaemonException;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedMemoryBoundsException;
import io.rpcool.mem.SharedString;

/**
 * Pointer-rich arguments between separate JVMs: structures built in one process are read in place
 * by the other, at the same addresses.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PointerRichTest
{
    private static ChildJvm server(final Path dir, final String channel, final String heapMode)
    {
        return server(dir, channel, heapMode, 0);
    }

    /** @param connectionQuotaBytes data heap bytes one connection may add; 0 for the default (a quarter of the quota). */
    private static ChildJvm server(final Path dir, final String channel, final String heapMode, final long connectionQuotaBytes)
    {
        final ChildJvm p = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m")
            .args(dir.toString(), channel, "local", heapMode, String.valueOf(connectionQuotaBytes)).start();
        p.awaitLine("READY", 30_000);
        return p;
    }

    private static Rpcool embedded(final Path dir, final DaemonConfig config)
    {
        return Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED).heapSize(1024 * 1024)
            .daemonConfig(config));
    }

    @Test
    void shouldPassAnObjectGraphByPointerAndReadItInPlaceInAnotherJvm() throws Exception
    {
        final Path dir = TestDirs.fresh("ptr-graph");
        try (Rpcool rpc = embedded(dir, new DaemonConfig()); ChildJvm srv = server(dir, "/shop/orders", "private");
            Connection conn = rpc.connect("/shop/orders"); ClientCall call = conn.newCall(TestServerMain.TOTAL))
        {
            final Order order = new Order("o-1", List.of(new Line("apple", 3, 50), new Line("pear", 2, 125)),
                Map.of("channel", "web", "priority", "high"));
            final long pointer = conn.copyFrom(order);
            assertTrue(conn.heap().regions().contains(pointer, 1));
            call.request().putLong(0, pointer);
            call.invoke(8);
            assertEquals(3 * 50 + 2 * 125, call.reply().getLong(0));
            assertEquals(pointer, call.reply().getLong(8), "the server read the order at the address the client wrote it");
            assertEquals(order, conn.heap().materialize(pointer, Order.class));
        }
    }

    @Test
    void shouldReturnAPointerTheClientReadsAtTheSameAddress() throws Exception
    {
        final Path dir = TestDirs.fresh("ptr-greeting");
        try (Rpcool rpc = embedded(dir, new DaemonConfig()); ChildJvm srv = server(dir, "/demo/greeting", "private");
            Connection conn = rpc.connect("/demo/greeting"); ClientCall call = conn.newCall(TestServerMain.GREETING))
        {
            call.invoke(0);
            final long text = call.reply().getLong(0);
            final String line = srv.awaitLine("GREETING at", 5000);
            assertEquals(String.format("GREETING at 0x%x", text), line, "server and client see the string at one address");
            assertEquals("Hello from the server!", SharedString.read(conn.heap().regions(), text));
        }
    }

    @Test
    void shouldGrowTheConnectionByAddingHeapsAndRefuseAtTheQuota() throws Exception
    {
        final Path dir = TestDirs.fresh("ptr-grow");
        // No per-connection limit below the process quota: the process quota is what this test reaches.
        try (Rpcool rpc = embedded(dir, new DaemonConfig().quotaBytes(8L * 1024 * 1024));
            ChildJvm srv = server(dir, "/shop/orders", "private", 64L * 1024 * 1024);
            Connection conn = rpc.connect("/shop/orders", ConnectOptions.defaults().slots(4).bufferSize(4096));
            ClientCall call = conn.newCall(TestServerMain.TOTAL))
        {
            // Heaps are 1 MiB here; 3 buffers of 600 KiB need three heaps, each mapped by the server too.
            final List<RpcBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final RpcBuffer buffer = conn.createBuffer(600 * 1024);
                buffers.add(buffer);
                final long pointer = io.rpcool.mem.SharedObjects.copyFrom(
                    new Order("o-" + i, List.of(new Line("x", i + 1, 10)), Map.of()), buffer);
                call.request().putLong(0, pointer);
                call.invoke(8);
                assertEquals((i + 1) * 10, call.reply().getLong(0));
            }
            assertTrue(conn.heap().heaps().length >= 3, "heaps: " + conn.heap().heaps().length);
            assertTrue(rpc.stat().contains("data"), rpc.stat());
            final DaemonException quota = assertThrows(DaemonException.class, () ->
            {
                for (int i = 0; i < 10; i++)
                {
                    conn.createBuffer(900 * 1024);
                }
            });
            assertEquals(ControlProtocol.E_QUOTA_EXCEEDED, quota.code());
            assertTrue(quota.getMessage().contains("quota of 8388608 bytes"), quota.getMessage());
            buffers.forEach(RpcBuffer::destroy);
        }
    }

    @Test
    void shouldShareOneHeapAmongAllConnectionsOfAChannel() throws Exception
    {
        final Path dir = TestDirs.fresh("ptr-shared");
        try (Rpcool rpc = embedded(dir, new DaemonConfig()); ChildJvm srv = server(dir, "/db/docs", "shared");
            Connection writer = rpc.connect("/db/docs"); ClientCall store = writer.newCall(TestServerMain.STORE))
        {
            final long pointer = writer.copyFrom(new Order("shared-1", List.of(new Line("book", 1, 999)), Map.of("k", "v")));
            store.request().putLong(0, 42);
            store.request().putLong(8, pointer);
            store.invoke(16);
            // A second client process reads the document the first one stored, through the server.
            try (ChildJvm reader = ChildJvm.builder(SharedHeapReaderMain.class).jvmFlags("-Xmx256m")
                .args(dir.toString(), "/db/docs", "42").start())
            {
                final String line = reader.awaitLine("ORDER", 30_000);
                assertEquals(String.format("ORDER 0x%x shared-1 999", pointer), line);
                assertEquals(0, reader.awaitExit(10_000));
            }
        }
    }

    @Test
    void shouldRefuseAPointerOutsideEveryHeapOfTheConnection() throws Exception
    {
        final Path dir = TestDirs.fresh("ptr-wild");
        try (Rpcool rpc = embedded(dir, new DaemonConfig()); ChildJvm srv = server(dir, "/shop/orders", "private");
            Connection conn = rpc.connect("/shop/orders"); ClientCall call = conn.newCall(TestServerMain.TOTAL))
        {
            for (final long wild : new long[] {0L, 8L, 0x7fff_0000_0000L, ((ShmConnection)conn).heapAddress()})
            {
                call.request().putLong(0, wild);
                final RpcException e = assertThrows(RpcException.class, () -> call.invoke(8));
                assertEquals(Status.HANDLER_FAILED, e.status(), e.getMessage());
            }
            // The server survived every wild pointer and still serves.
            call.request().putLong(0, conn.copyFrom(new Order("ok", List.of(), Map.of())));
            call.invoke(8);
            assertEquals(0, call.reply().getLong(0));
            assertThrows(SharedMemoryBoundsException.class, () -> conn.heap().materialize(0x7fff_0000_0000L, Order.class));
        }
    }
}
