package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;

/**
 * Fencing, Jepsen-style, in the emulated cluster: real namespaces, a daemon, servers and clients
 * per host in JVMs of their own, and a host cut off from ZooKeeper (its end of the bridge down:
 * what it sends is silently lost) for longer than its session, while its processes keep calling
 * over the shared pool and another host keeps allocating heaps, so that the cut-off host's
 * reclaimed address ranges are given to new heaps. Every process records when it maps and unmaps
 * which pool file at which addresses ({@link MapsRecorder}); the test checks that
 * <ol>
 *   <li>no address range was ever mapped for two different heaps at once, by any processes, while
 *   ranges the cut-off host's processes had mapped were given to other heaps meanwhile;</li>
 *   <li>the cut-off host's processes were told, before the other hosts learnt that its session had
 *   expired: their calls failed with {@code FENCED} and a message that says so, new connections were
 *   refused with {@code E_FENCED}, and none of them had to be killed;</li>
 *   <li>once the host is back (a new session), they connect again and their calls succeed, and so
 *   does a client of another host connecting to the cut-off host's channel.</li>
 * </ol>
 * Timing: session (lease) timeout 4 s, fence margin 1.5 s, reclaim delay 1 s; the rule is in
 * {@code ClusterSettings}.
 */
@Tag("cluster")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FencingTest
{
    static final long LEASE_MS = 4000;
    static final long RECLAIM_DELAY_MS = 1000;
    /**
     * The cut-off host's processes get this long to unmap (a quarter of the session by default);
     * on two shared cores with a dozen JVMs a fence takes some 0.5 s to go round.
     */
    static final long FENCE_MARGIN_MS = 1500;
    /** Log lines with milliseconds, to follow a fence. */
    private static final String LOG_FORMAT = "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %5$s%6$s%n";

    @Test
    void shouldFenceACutOffHostBeforeItsHeapsAreReusedAndLetItRejoin() throws Exception
    {
        final String unavailable = TestCluster.netnsUnavailable();
        assumeTrue(unavailable == null, () -> "network namespaces unavailable: " + unavailable);
        try (TestCluster cluster = new TestCluster("fence", true, LEASE_MS, RECLAIM_DELAY_MS))
        {
            final Map<String, ChildJvm> daemons = new LinkedHashMap<>();
            for (final String host : List.of("hostA", "hostB", "hostC"))
            {
                daemons.put(host, cluster.track(TestCluster.hostJvm("daemon-" + host, cluster.namespace(host), ClusterHostMain.class,
                    List.of(LOG_FORMAT, "-Drpcool.fence.marginMs=" + FENCE_MARGIN_MS), cluster.dir(host).toString(), host,
                    cluster.zkSpec(), cluster.pool.toString(), String.valueOf(LEASE_MS),
                    String.valueOf(ClusterTest.BIG_QUOTA))));
            }
            for (final ChildJvm d : daemons.values())
            {
                d.awaitLine("READY", 60_000);
            }
            final ChildJvm serverA = server(cluster, "hostA", "/f/a");
            final ChildJvm serverB = server(cluster, "hostB", "/f/b");
            final ChildJvm b1 = client(cluster, "hostB", "b1");
            final ChildJvm b2 = client(cluster, "hostB", "b2");
            final ChildJvm c1 = client(cluster, "hostC", "c1");
            final List<ChildJvm> all = List.of(serverA, serverB, b1, b2, c1);
            for (final ChildJvm jvm : all)
            {
                jvm.awaitLine("READY", 60_000);
            }
            // b1: hostB -> hostA; b2: within hostB, with a data heap; c1: hostC -> hostB.
            b1.send("loop /f/a");
            b2.send("loop /f/b data");
            c1.send("loop /f/b");
            for (final ChildJvm client : List.of(b1, b2, c1))
            {
                assertTrue(client.awaitLine("CONNECTED", 30_000).endsWith(" 1 SHARED_MEMORY"), client.name());
                client.awaitLine("CALLS_OK", 30_000);
            }

            final long cutAt = System.currentTimeMillis();
            cluster.cut("hostB");
            c1.send("churn /f/a");

            // hostB fences itself: its processes' calls fail with FENCED, naming the fence.
            final Map<String, Long> fencedAt = new HashMap<>();
            for (final ChildJvm client : List.of(b1, b2))
            {
                final String failed = client.awaitLine("FAILED", LEASE_MS + 15_000);
                assertTrue(failed.contains(" FENCED ") && failed.contains("fenced itself"), client.name() + ": " + failed);
                fencedAt.put(client.name(), Long.parseLong(failed.split(" ")[1]));
                final String refused = client.awaitLine("CONNECT_FAILED", 10_000);
                assertTrue(refused.contains(" 9 ") && refused.contains("is fenced"), client.name() + " reconnecting: " + refused);
            }
            final String clientFailed = serverB.awaitLine("CLIENT_FAILED", 10_000);
            assertTrue(clientFailed.contains("fenced itself"), "the server on hostB: " + clientFailed);
            // The other hosts learn of hostB only when its session expires: after the fence.
            final String peerGone = c1.awaitLine("FAILED", LEASE_MS + 15_000);
            assertTrue(peerGone.contains(" PEER_GONE ") && peerGone.contains("host hostB stopped renewing"), peerGone);
            final long expiryNoticedAt = Long.parseLong(peerGone.split(" ")[1]);
            for (final Map.Entry<String, Long> e : fencedAt.entrySet())
            {
                assertTrue(e.getValue() < expiryNoticedAt, e.getKey() + " was fenced at " + (e.getValue() - cutAt) +
                    " ms after the cut, hostC learnt of hostB's expiry at " + (expiryNoticedAt - cutAt) + " ms");
            }

            // Meanwhile hostC allocates heaps: wait until one takes a range a hostB process had mapped.
            final long reuseDeadline = System.currentTimeMillis() + 30_000;
            while (reusedRange(all) == null && System.currentTimeMillis() < reuseDeadline)
            {
                Thread.sleep(200);
            }
            final String reuse = reusedRange(all);
            assertNotNull(reuse, "no heap was given a range a hostB process had mapped:\n" + cluster.inspect().describe());

            cluster.heal("hostB");
            for (final ChildJvm client : List.of(b1, b2, c1))
            {
                final String connected = client.awaitLine(ChildJvm.startingWith("CONNECTED"), 60_000);
                assertTrue(connected.endsWith(" SHARED_MEMORY"), client.name() + ": " + connected);
                client.awaitLine("CALLS_OK", 30_000);
            }
            for (final ChildJvm client : List.of(b1, b2, c1))
            {
                client.send("stop");
                client.awaitLine("STOPPED", 30_000);
            }
            Thread.sleep(100);

            final List<String> overlaps = overlaps(all);
            assertTrue(overlaps.isEmpty(), "address ranges mapped for two heaps at once:\n" + String.join("\n", overlaps));
            for (final ChildJvm jvm : all)
            {
                assertTrue(jvm.isAlive(), jvm.name() + " is alive (nobody had to be killed for still mapping a fenced heap)");
                assertTrue(jvm.lines().stream().noneMatch(l -> l.startsWith("ERROR")), jvm.name() + ": " + jvm.lines());
            }
            assertTrue(TestCluster.stat(daemons.get("hostB")).contains(", not fenced"), "hostB is back");
        }
    }

    private static ChildJvm server(final TestCluster cluster, final String host, final String channel)
    {
        return cluster.track(TestCluster.hostJvm("server-" + host, cluster.namespace(host), FenceServerMain.class,
            List.of("-Drpcool.tcp.host=" + cluster.ip(host), "-Drpcool.lease.renewMs=500", LOG_FORMAT),
            cluster.dir(host).toString(), channel, "pool-1", cluster.pool.toString()));
    }

    private static ChildJvm client(final TestCluster cluster, final String host, final String name)
    {
        return cluster.track(TestCluster.hostJvm("client-" + name, cluster.namespace(host), FenceClientMain.class,
            List.of("-Drpcool.lease.renewMs=500", LOG_FORMAT), cluster.dir(host).toString(), "pool-1", cluster.pool.toString()));
    }

    /** A pool file's mapping by one process, from when it may have begun to when it had surely ended. */
    private record Mapping(String who, String file, long start, long end, long fromMs, long untilMs)
    {
        boolean sharesAddresses(final Mapping o)
        {
            return start < o.end && o.start < end;
        }

        boolean sharesTime(final Mapping o)
        {
            return fromMs < o.untilMs && o.fromMs < untilMs;
        }

        @Override
        public String toString()
        {
            return String.format("%s mapped %s at [0x%x, 0x%x) within [%d, %s]", who, file, start, end, fromMs,
                untilMs == Long.MAX_VALUE ? "end" : String.valueOf(untilMs));
        }
    }

    private static List<Mapping> mappings(final List<ChildJvm> jvms)
    {
        final List<Mapping> out = new ArrayList<>();
        for (final ChildJvm jvm : jvms)
        {
            final Map<String, long[]> open = new HashMap<>();
            for (final String line : jvm.lines())
            {
                final String[] w = line.split(" ");
                if (w[0].equals("MAP"))
                {
                    open.put(w[4], new long[] {Long.parseUnsignedLong(w[2], 16), Long.parseUnsignedLong(w[3], 16), Long.parseLong(w[1])});
                }
                else if (w[0].equals("UNMAP"))
                {
                    final long[] m = open.remove(w[4]);
                    if (m != null)
                    {
                        out.add(new Mapping(jvm.name(), w[4], m[0], m[1], m[2], Long.parseLong(w[1])));
                    }
                }
            }
            for (final Map.Entry<String, long[]> e : open.entrySet())
            {
                final long[] m = e.getValue();
                out.add(new Mapping(jvm.name(), e.getKey(), m[0], m[1], m[2], Long.MAX_VALUE));
            }
        }
        return out;
    }

    /** Pairs of mappings of different heaps that shared addresses at the same time. */
    private static List<String> overlaps(final List<ChildJvm> jvms)
    {
        final List<Mapping> all = mappings(jvms);
        final List<String> found = new ArrayList<>();
        for (int i = 0; i < all.size(); i++)
        {
            for (int j = i + 1; j < all.size(); j++)
            {
                final Mapping a = all.get(i);
                final Mapping b = all.get(j);
                if (!a.file.equals(b.file) && a.sharesAddresses(b) && a.sharesTime(b))
                {
                    found.add(a + "  AND  " + b);
                }
            }
        }
        return found;
    }

    /** A range a hostB process mapped that another heap was given later, or null. */
    private static String reusedRange(final List<ChildJvm> jvms)
    {
        final List<Mapping> all = mappings(jvms);
        for (final Mapping a : all)
        {
            if (!a.who.endsWith("hostB") && !a.who.startsWith("client-b"))
            {
                continue;
            }
            for (final Mapping b : all)
            {
                if (!b.file.equals(a.file) && b.sharesAddresses(a) && b.fromMs >= a.fromMs)
                {
                    return a + " then " + b;
                }
            }
        }
        return null;
    }
}
