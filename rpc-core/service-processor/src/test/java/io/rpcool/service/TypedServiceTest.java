package io.rpcool.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.Transport;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.service.sample.Catalog.Color;
import io.rpcool.service.sample.Catalog.Customer;
import io.rpcool.service.sample.Catalog.Item;
import io.rpcool.service.sample.Catalog.Order;
import io.rpcool.service.sample.Catalog.Tree;
import io.rpcool.service.sample.CatalogRpc;
import io.rpcool.service.sample.ServiceServerMain;

/**
 * Generated stubs and dispatchers between two JVMs, over shared memory and over the TCP fallback
 * (the server in another memory domain): the same calls, the same results.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TypedServiceTest
{
    static ChildJvm server(final Path dir, final String channel, final String domain, final String... next)
    {
        final List<String> args = new ArrayList<>(List.of(dir.toString(), channel, domain));
        args.addAll(List.of(next));
        final ChildJvm p = ChildJvm.builder(ServiceServerMain.class).name("server" + channel.replace('/', '-'))
            .jvmFlags("-Xmx256m").args(args).start();
        p.awaitLine("READY", 60_000);
        return p;
    }

    static Rpcool embedded(final Path dir)
    {
        return Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
    }

    static Order order(final int n)
    {
        final Item a = new Item("apple", 3, 0.5, List.of("fruit", "red"), Color.RED);
        final Item b = new Item("ünïcode ✓ 𝄞", -7, Double.NaN, List.of(), null);
        final Map<String, List<Integer>> history = new LinkedHashMap<>();
        history.put("2025", List.of(1, 2, 3));
        history.put("none", null);
        final Map<String, Item> byName = new LinkedHashMap<>();
        byName.put("apple", a);
        byName.put("null", null);
        return new Order(n, new Customer("Ada", null, history), List.of(a, b), byName, true, 'Z', (short)-3, (byte)0x7f, 0.25f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "other-domain"})
    void shouldCallEveryKindOfMethodAcrossJvms(final String serverDomain) throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-typed", "/svc/catalog", serverDomain))
        {
            final Connection conn = f.conn;
            assertEquals("local".equals(serverDomain) ? Transport.SHARED_MEMORY : Transport.TCP, conn.transport());
            final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
            for (int i = 0; i < 100; i++)
            {
                assertEquals(i + 1000, catalog.add(i, 1000));
            }
            assertEquals(order(42), catalog.echoOrder(order(42)));
            assertNull(catalog.echoOrder(null));
            assertEquals("Hello, Grace!", catalog.greet("Grace"));
            assertEquals("Hello, null!", catalog.greet(null));
            assertEquals(8, catalog.boxed(7));
            assertNull(catalog.boxed(null));
            assertArrayEquals(new byte[] {3, 2, 1}, catalog.reverse(new byte[] {1, 2, 3}));
            assertEquals(Map.of("a", 2, "b", 1), catalog.countWords(List.of("a", "b", "a")));
            final Tree tree = new Tree("root", List.of(new Tree("l", List.of()), new Tree("r", List.of(new Tree("rr", List.of())))));
            assertEquals(new Tree("root", List.of(new Tree("r", List.of(new Tree("rr", List.of()))), new Tree("l", List.of()))),
                catalog.mirror(tree));
            catalog.record("one");
            catalog.record("two");
            assertEquals(List.of("one", "two"), catalog.events());

            // Asynchronous: declared in the interface, and the variants the stub adds to synchronous methods.
            assertEquals("Later, Bob!", catalog.greetLater("Bob", 20).get(10, TimeUnit.SECONDS));
            final List<CompletableFuture<Integer>> sums = new ArrayList<>();
            for (int i = 0; i < 32; i++)
            {
                sums.add(catalog.addAsync(i, i));
            }
            for (int i = 0; i < 32; i++)
            {
                assertEquals(2 * i, sums.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(order(7), catalog.echoOrderAsync(order(7)).get(10, TimeUnit.SECONDS));
            assertNull(catalog.recordAsync("three").get(10, TimeUnit.SECONDS));

            // The handler sees the caller's deadline: the stub's, else the connection's (10 s in TestDirs).
            final long defaultLeft = catalog.remainingMs();
            assertTrue(defaultLeft > 5_000 && defaultLeft <= 10_000, "remaining " + defaultLeft);
            final long left = catalog.withDeadlineAfter(2, TimeUnit.SECONDS).remainingMs();
            assertTrue(left > 500 && left <= 2_000, "remaining " + left);

            if (conn.transport() == Transport.TCP)
            {
                // Over shared memory such results spill into the heap (SharedMemoryServiceTest).
                final RpcException tooLarge = assertThrows(RpcException.class, () -> catalog.bigItem(2000));
                assertEquals(Status.REPLY_TOO_LARGE, tooLarge.status(), tooLarge.getMessage());
                assertTrue(tooLarge.getMessage().contains("bigItem"), tooLarge.getMessage());
            }
            final List<String> manyWords = new ArrayList<>();
            for (int i = 0; i < 2000; i++)
            {
                manyWords.add("word" + i);
            }
            if (conn.transport() == Transport.TCP)
            {
                // Over shared memory such arguments spill into the heap (SharedMemoryServiceTest).
                final RpcException requestTooLarge = assertThrows(RpcException.class, () -> catalog.countWords(manyWords));
                assertEquals(Status.REQUEST_TOO_LARGE, requestTooLarge.status(), requestTooLarge.getMessage());
            }
            assertEquals(5, catalog.add(2, 3), "the connection keeps working after failed calls");
        }
    }
}
