package io.rpcool.dsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kill -9 of the peer that owns pages: the survivor's threads that touch them get
 * {@link DsmPeerGoneException} within {@value #DEADLINE_MS} ms (also a thread already waiting for a
 * page when the peer died), the pages the survivor owns keep their contents, and the survivor keeps
 * running. A thread waiting for a page holds up its JVM's safepoints, so the survivor that waits
 * is a separate JVM, not the one running this test (which must stay free to kill).
 */
@Tag("slow")
@Timeout(180)
class DsmPeerDeathTest
{
    private static final long DEADLINE_MS = 5_000;
    private static final long SIZE = 64 * DsmHeap.PAGE_SIZE;

    @Test
    void shouldWakeAWaitingThreadAndFailTheDeadServersPagesInTheClient() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final long address = 0x5f10_0000_0000L;
        try (ChildJvm server = TestPeers.server(address, SIZE);
             ChildJvm client = TestPeers.client(address, SIZE, TestPeers.port(server)))
        {
            server.awaitLine("READY", TestPeers.LINE_MS);
            client.awaitLine("READY", TestPeers.LINE_MS);
            assertEquals("OK", TestPeers.ask(server, "put " + hex(page(address, 40)) + " 4242"));
            for (int p = 0; p < 10; p++)
            {
                assertEquals("OK", TestPeers.ask(client, "put " + hex(page(address, p)) + " " + (p + 1)));
            }
            assertEquals("SUM " + (100_000 / 10 * 55), TestPeers.ask(client, "warm " + hex(address) + " 10"));

            server.signal("STOP");                                  // its pager cannot answer now
            awaitEveryThread(server.pid(), "stat", stat -> stat.substring(stat.lastIndexOf(')') + 2).startsWith("T"),
                "stopped server");
            assertEquals("STARTED", TestPeers.ask(client, "touch-async " + hex(page(address, 20))));
            awaitThread(client.pid(), "wchan", wchan -> wchan.contains("userfault"),
                "client thread waiting in a userfaultfd fault, client said " + client.lines());
            server.kill9();
            final long killedNs = System.nanoTime();

            final String touched = client.awaitLine("TOUCHED", DEADLINE_MS);
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            assertTrue(touched.startsWith("TOUCHED GONE "), touched);
            assertTrue(touched.contains("PEER_GONE"), touched);
            assertTrue(tookMs < DEADLINE_MS, "took " + tookMs + " ms");

            assertTrue(TestPeers.ask(client, "get " + hex(page(address, 40))).startsWith("GONE "));
            assertTrue(TestPeers.ask(client, "put " + hex(page(address, 41)) + " 1").startsWith("GONE "));
            for (int p = 0; p < 10; p++)
            {
                assertEquals("VALUE " + (p + 1), TestPeers.ask(client, "get " + hex(page(address, p))));
            }
            assertEquals("OK", TestPeers.ask(client, "put " + hex(page(address, 3)) + " -3"));
            assertEquals("VALUE -3", TestPeers.ask(client, "get " + hex(page(address, 3))));
            assertTrue(TestPeers.ask(client, "status").startsWith("STATUS " + DsmHeap.PEER_GONE + " PEER_GONE"));
            client.send("exit");
            assertEquals("BYE", client.awaitLine("BYE", TestPeers.LINE_MS));
            assertEquals(0, client.awaitExit(TestPeers.LINE_MS));
        }
    }

    @Test
    void shouldGiveUpOnAFrozenServerAfterTheSilenceTime() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final long address = 0x5f12_0000_0000L;
        final long silenceMs = 1_000;
        try (ChildJvm server = TestPeers.server(address, SIZE);
             ChildJvm client = TestPeers.client(address, SIZE, TestPeers.port(server),
                 "-Drpcool.dsm.test.silenceMs=" + silenceMs))
        {
            server.awaitLine("READY", TestPeers.LINE_MS);
            client.awaitLine("READY", TestPeers.LINE_MS);
            assertEquals("OK", TestPeers.ask(client, "put " + hex(page(address, 1)) + " 11"));
            server.signal("STOP");                                  // a partition: alive, but silent
            awaitEveryThread(server.pid(), "stat", stat -> stat.substring(stat.lastIndexOf(')') + 2).startsWith("T"),
                "stopped server");
            final long startNs = System.nanoTime();
            final String answer = TestPeers.ask(client, "get " + hex(page(address, 2)));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(answer.startsWith("GONE ") && answer.contains("nothing heard from the peer"), answer);
            assertTrue(tookMs >= silenceMs && tookMs < silenceMs + DEADLINE_MS, "took " + tookMs + " ms");
            assertEquals("VALUE 11", TestPeers.ask(client, "get " + hex(page(address, 1))));
            server.signal("CONT");
            client.send("exit");
            assertEquals("BYE", client.awaitLine("BYE", TestPeers.LINE_MS));
        }
    }

    @Test
    void shouldFailTheDeadClientsPagesInTheServerAndKeepItsOwn() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final long address = 0x5f11_0000_0000L;
        try (TestPeers.Pair pair = TestPeers.serverHere(address, SIZE))
        {
            final DsmHeap heap = pair.heap();
            final ChildJvm client = pair.client();
            heap.putLong(page(address, 3), 33);
            assertEquals("OK", TestPeers.ask(client, "put " + hex(page(address, 5)) + " 55"));
            for (int i = 0; i < 100_000; i++)
            {
                heap.putLong(page(address, 3 + (i & 1) * 4), i);      // the accessors get compiled
            }
            client.kill9();
            TestPeers.await(() -> heap.status() != DsmHeap.RUNNING, DEADLINE_MS, "end of the connection");
            final DsmPeerGoneException lost = assertThrows(DsmPeerGoneException.class, () -> heap.getLong(page(address, 5)));
            assertTrue(lost.getMessage().contains("closed the connection"), lost.getMessage());
            assertEquals(page(address, 5), lost.address());
            assertEquals(99_998, heap.getLong(page(address, 3)));
            assertEquals(99_999, heap.getLong(page(address, 7)));
            heap.putLong(page(address, 6), 66);                       // never given away: still the server's
            assertEquals(66, heap.getLong(page(address, 6)));
        }
    }

    /** Wait until some thread of the process has a /proc/PID/task/TID/{file} that matches. */
    private static void awaitThread(final long pid, final String file, final Predicate<String> match, final String what)
        throws InterruptedException
    {
        TestPeers.await(() -> tasks(pid).stream().anyMatch(task -> match.test(read(task.resolve(file)))), 30_000, what);
    }

    /** Wait until every thread of the process has a /proc/PID/task/TID/{file} that matches. */
    private static void awaitEveryThread(final long pid, final String file, final Predicate<String> match, final String what)
        throws InterruptedException
    {
        TestPeers.await(() ->
        {
            final List<Path> tasks = tasks(pid);
            return !tasks.isEmpty() && tasks.stream().allMatch(task -> match.test(read(task.resolve(file))));
        }, 30_000, what);
    }

    private static List<Path> tasks(final long pid)
    {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            return tasks.collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private static long page(final long address, final int page)
    {
        return address + page * DsmHeap.PAGE_SIZE;
    }

    private static String hex(final long value)
    {
        return Long.toHexString(value);
    }
}
