package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.layout.ConnectionDescriptor;

/**
 * Hosts sharing a memory pool, each with its own daemon JVM, servers and clients in JVMs of their
 * own, real kill -9 and SIGSTOP. The hosts are network namespaces when this machine allows it
 * (root, iproute2), separate daemons in this namespace otherwise; {@link EmulatedClusterTest}
 * insists on namespaces.
 */
@Tag("cluster")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTest
{
    static final long LEASE_MS = 3000;
    static final long RECLAIM_DELAY_MS = 1000;
    static final long BIG_QUOTA = 1L << 30;

    static boolean netns()
    {
        return TestCluster.netnsUnavailable() == null;
    }

    static void assertLine(final ChildJvm jvm, final String command, final String expected)
    {
        jvm.send(command);
        final String line = jvm.awaitLine(expected.split(" ")[0], 30_000);
        assertEquals(expected, line, jvm.name() + " after '" + command + "'");
    }

    static void connect(final ChildJvm client, final String channel, final String transport)
    {
        client.send("connect " + channel);
        assertEquals("CONNECTED " + transport, client.awaitLine("CONNECT", 30_000), client.name());
    }

    @Test
    void shouldGiveEveryHeapAClusterUniqueAddressAndAnswerCallsFromOtherHosts() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-unique", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            cluster.daemon("hostA", BIG_QUOTA);
            cluster.daemon("hostB", BIG_QUOTA);
            cluster.daemon("hostC", BIG_QUOTA);
            cluster.server("hostA", "/shop/cart", "pool-1");
            final ChildJvm local = cluster.client("hostA", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            final ChildJvm c = cluster.client("hostC", "pool-1");
            for (final ChildJvm client : List.of(local, b, c))
            {
                connect(client, "/shop/cart", "SHARED_MEMORY");
                assertLine(client, "call 500", "CALLS 500 0");
            }
            final List<long[]> heaps = cluster.inspect().heaps();
            assertEquals(3, heaps.size(), cluster.inspect().describe());
            for (int i = 0; i < heaps.size(); i++)
            {
                final long[] h = heaps.get(i);
                assertEquals(0, h[0] % ZkControlPlane.ALIGNMENT);
                assertTrue(h[0] >= 0x5000_0000_0000L && h[0] + h[1] <= 0x6000_0000_0000L);
                assertEquals(2, h[2], "a client lease and a server lease on every connection heap");
                for (int j = i + 1; j < heaps.size(); j++)
                {
                    final long[] o = heaps.get(j);
                    assertTrue(h[0] + h[1] <= o[0] || o[0] + o[1] <= h[0], "heaps overlap");
                }
            }
            assertTrue(cluster.poolUsed() > 0);
        }
    }

    @Test
    void shouldNotifyClientsWhenTheServerIsKilledAndReclaimTheHeapAfterTheyClose() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-kill", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            final long baseline = cluster.poolUsed();
            cluster.daemon("hostA", BIG_QUOTA);
            cluster.daemon("hostB", BIG_QUOTA);
            cluster.daemon("hostC", BIG_QUOTA);
            final ChildJvm server = cluster.server("hostA", "/x", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            final ChildJvm c = cluster.client("hostC", "pool-1");
            for (final ChildJvm client : List.of(b, c))
            {
                connect(client, "/x", "SHARED_MEMORY");
                assertLine(client, "call 100", "CALLS 100 0");
                client.send("pending 60000");
                client.awaitLine("PENDING_SENT", 10_000);
            }
            assertTrue(cluster.poolUsed() > baseline);
            Thread.sleep(200);
            final long killedAt = System.currentTimeMillis();
            server.kill9();
            for (final ChildJvm client : List.of(b, c))
            {
                final String failed = client.awaitUnclaimedLine(ChildJvm.startingWith("PEER_FAILED"), LEASE_MS + 5_000);
                final long notifiedAt = Long.parseLong(failed.split(" ")[1]);
                assertTrue(notifiedAt - killedAt < LEASE_MS, client.name() + " told after " + (notifiedAt - killedAt) + " ms");
                assertTrue(failed.contains("server of /x failed"), failed);
                assertEquals("PENDING_FAILED PEER_GONE", client.awaitUnclaimedLine(ChildJvm.startingWith("PENDING_"), 10_000));
                assertLine(client, "try", "REFUSED PEER_GONE");
                // The heap stays mapped and readable until the client closes.
                assertLine(client, "read", "READ 5eedcafe");
            }
            assertEquals(2, cluster.inspect().heapCount(), "the clients still hold their heaps");
            for (final ChildJvm client : List.of(b, c))
            {
                assertLine(client, "close", "CLOSED");
            }
            cluster.awaitPoolBackTo(baseline, RECLAIM_DELAY_MS + 10_000);
        }
    }

    @Test
    void shouldNotifyClientsWhenTheServerStopsRenewingItsLease() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-stop", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            cluster.daemon("hostA", BIG_QUOTA);
            cluster.daemon("hostB", BIG_QUOTA);
            final ChildJvm server = cluster.server("hostA", "/hung", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            connect(b, "/hung", "SHARED_MEMORY");
            assertLine(b, "call 10", "CALLS 10 0");
            final long stoppedAt = System.currentTimeMillis();
            server.signal("STOP");
            try
            {
                final String failed = b.awaitLine("PEER_FAILED", LEASE_MS + 5_000);
                final long after = Long.parseLong(failed.split(" ")[1]) - stoppedAt;
                assertTrue(failed.contains("stopped renewing its lease"), failed);
                assertTrue(after >= LEASE_MS - 1000 && after < LEASE_MS + 2000, "told after " + after + " ms");
                assertLine(b, "try", "REFUSED PEER_GONE");
            }
            finally
            {
                server.signal("CONT");
            }
        }
    }

    @Test
    void shouldNotifyPeersWhenAWholeHostFailsAndReclaimItsHeaps() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-host", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            final long baseline = cluster.poolUsed();
            final ChildJvm daemonA = cluster.daemon("hostA", BIG_QUOTA);
            cluster.daemon("hostB", BIG_QUOTA);
            final ChildJvm server = cluster.server("hostA", "/h", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            connect(b, "/h", "SHARED_MEMORY");
            assertLine(b, "call 10", "CALLS 10 0");
            // Host A dies: its daemon first (so nobody on A reports the server's death), then the server.
            final long killedAt = System.currentTimeMillis();
            daemonA.kill9();
            server.kill9();
            final String failed = b.awaitLine("PEER_FAILED", LEASE_MS + 8_000);
            assertTrue(failed.contains("host hostA stopped renewing"), failed);
            final long after = Long.parseLong(failed.split(" ")[1]) - killedAt;
            assertTrue(after < LEASE_MS + 3000, "told after " + after + " ms");
            assertLine(b, "close", "CLOSED");
            cluster.awaitPoolBackTo(baseline, LEASE_MS + RECLAIM_DELAY_MS + 10_000);
        }
    }

    @Test
    void shouldReclaimOrphanedHeapsWhenEveryProcessAndTheOrchestratorAreKilled() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-orphans", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            final long baseline = cluster.poolUsed();
            final List<ChildJvm> all = new java.util.ArrayList<>();
            all.add(cluster.daemon("hostA", BIG_QUOTA));
            all.add(cluster.daemon("hostB", BIG_QUOTA));
            all.add(cluster.server("hostA", "/o", "pool-1"));
            for (int i = 0; i < 2; i++)
            {
                final ChildJvm b = cluster.client("hostB", "pool-1");
                connect(b, "/o", "SHARED_MEMORY");
                assertLine(b, "call 10", "CALLS 10 0");
                all.add(b);
            }
            assertEquals(2, cluster.inspect().heapCount());
            assertTrue(cluster.poolUsed() > baseline);
            // No orchestrator while everything dies: the heaps' state stays in ZooKeeper.
            cluster.orchestrator.close();
            for (final ChildJvm j : all)
            {
                j.kill9();
            }
            final long killedAt = System.currentTimeMillis();
            cluster.orchestrator = new Orchestrator(
                cluster.zkLocal(), "/rpcool", "orchestrator-restarted", cluster.pool, RECLAIM_DELAY_MS, 4000);
            final long tookMs = cluster.awaitPoolBackTo(baseline, LEASE_MS + RECLAIM_DELAY_MS + 15_000);
            System.out.println(
                "orphans reclaimed " + (System.currentTimeMillis() - killedAt) + " ms after the kill (" + tookMs + " ms waited)");
        }
    }

    @Test
    void shouldReclaimOrphanedHeapsWhenEverythingButThePoolIsKilledIncludingTheEmbeddedOrchestrator() throws Exception
    {
        final int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0))
        {
            port = s.getLocalPort();
        }
        try (TestCluster cluster = new TestCluster("cl-all", false, LEASE_MS, RECLAIM_DELAY_MS, "127.0.0.1:" + port))
        {
            final List<String> orchestratorArgs = List.of("--embedded", "--port", String.valueOf(port), "--data",
                cluster.base.resolve("zk-data").toString(), "--pool", cluster.pool.toString(), "--id", "embedded",
                "--reclaim-delay-ms", String.valueOf(RECLAIM_DELAY_MS), "--session-timeout-ms", "3000");
            final ChildJvm orchestrator = cluster.track(TestCluster.hostJvm("orchestrator", null, OrchestratorMain.class, List.of(),
                orchestratorArgs.toArray(new String[0])));
            orchestrator.awaitLine("LEADER", 30_000);
            final long baseline = cluster.poolUsed();
            final List<ChildJvm> all = new java.util.ArrayList<>();
            all.add(cluster.daemon("hostA", BIG_QUOTA));
            all.add(cluster.daemon("hostB", BIG_QUOTA));
            all.add(cluster.server("hostA", "/all", "pool-1"));
            final ChildJvm b = cluster.client("hostB", "pool-1");
            all.add(b);
            connect(b, "/all", "SHARED_MEMORY");
            b.send("greet");
            b.awaitLine("GREETING", 30_000);
            assertEquals(2, cluster.inspect().heapCount());
            assertTrue(cluster.poolUsed() > baseline);
            cluster.inspect().close();
            cluster.inspector = null;
            // Every process dies at once, ZooKeeper and the orchestrator with them; only the pool and
            // ZooKeeper's data directory remain.
            orchestrator.kill9();
            for (final ChildJvm j : all)
            {
                j.kill9();
            }
            assertEquals(2, PoolUsage.heapFiles(cluster.pool));
            final long restartedAt = System.currentTimeMillis();
            final ChildJvm again = cluster.track(TestCluster.hostJvm("orchestrator-again", null, OrchestratorMain.class, List.of(),
                orchestratorArgs.toArray(new String[0])));
            again.awaitLine("LEADER", 30_000);
            // The dead hosts' sessions come back from ZooKeeper's log and expire; then their heaps are orphans.
            final long tookMs = cluster.awaitPoolBackTo(baseline, LEASE_MS + RECLAIM_DELAY_MS + 20_000);
            System.out.println("orphans reclaimed " + (System.currentTimeMillis() - restartedAt) + " ms after the orchestrator restarted");
            assertTrue(tookMs < LEASE_MS + RECLAIM_DELAY_MS + 20_000);
        }
    }

    @Test
    void shouldRefuseAMappingOverQuotaAndCountASharedHeapForBothProcesses() throws Exception
    {
        final long heap = ConnectionDescriptor.heapLength(64, 8192);
        try (TestCluster cluster = new TestCluster("cl-quota", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            final ChildJvm daemonA = cluster.daemon("hostA", heap + heap / 2);
            final ChildJvm daemonB = cluster.daemon("hostB", heap + heap / 2);
            final ChildJvm server = cluster.server("hostA", "/q", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            connect(b, "/q", "SHARED_MEMORY");
            assertLine(b, "call 10", "CALLS 10 0");
            // The one heap counts against the client on B and the server on A.
            assertTrue(TestCluster.stat(daemonB).contains("quota used " + heap + " / "), "client's quota on B");
            assertTrue(TestCluster.stat(daemonA).contains("pid " + server.pid()) &&
                TestCluster.stat(daemonA).contains("quota used " + heap + " / "), "server's quota on A");
            final String report = cluster.inspect().describe();
            assertTrue(report.contains("hostA-" + server.pid() + " ") && report.contains("hostB-" + b.pid() + " "), report);
            assertTrue(report.contains(heap + " bytes in 1 heaps"), report);

            // A second connection would take the client over its quota: refused with the reason.
            b.send("connect /q");
            final String refused = b.awaitLine("CONNECT", 30_000);
            assertTrue(refused.startsWith("CONNECT_FAILED") && refused.contains("quota"), refused);

            // A client on C with quota to spare: now the server on A is the one over quota.
            cluster.daemon("hostC", 1L << 30);
            final ChildJvm c = cluster.client("hostC", "pool-1");
            c.send("connect /q");
            final String serverOver = c.awaitLine("CONNECT", 30_000);
            assertTrue(serverOver.startsWith("CONNECT_FAILED") && serverOver.contains("server process " + server.pid()) &&
                serverOver.contains("quota"), serverOver);
            final long deadline = System.currentTimeMillis() + RECLAIM_DELAY_MS + 10_000;
            while (cluster.inspect().heapCount() != 1 && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(50);
            }
            assertEquals(1, cluster.inspect().heapCount(), "the refused connection's heap is reclaimed: " + cluster.inspect().describe());
        }
    }

    @Test
    void shouldShareDataHeapsAddedByEitherEndAcrossHosts() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-data", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            final long baseline = cluster.poolUsed();
            cluster.daemon("hostA", BIG_QUOTA);
            cluster.daemon("hostB", BIG_QUOTA);
            final ChildJvm server = cluster.server("hostA", "/data", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            connect(b, "/data", "SHARED_MEMORY");
            // The server allocates a string in a data heap it adds; the client on B reads it in place.
            b.send("greet");
            final String greeting = b.awaitLine("GREETING", 30_000);
            assertTrue(greeting.endsWith(" Hello from the server!"), greeting);
            assertEquals(server.awaitLine("GREETING at", 10_000).substring("GREETING at ".length()), greeting.split(" ")[1],
                "both hosts see the string at one address");
            // The client builds a pointer-rich order in its own data heap; the server on A reads it in place.
            b.send("total");
            final String[] total = b.awaitLine("TOTAL", 30_000).split(" ");
            assertEquals("1550", total[1]);
            assertEquals(total[3], total[2], "the server read the order at the address the client wrote it");
            assertEquals(2, cluster.inspect().heapCount(), "the connection heap and its data heap: " + cluster.inspect().describe());
            for (final long[] h : cluster.inspect().heaps())
            {
                assertEquals(2, h[2], "both ends hold a lease on every heap");
            }
            assertLine(b, "close", "CLOSED");
            cluster.awaitPoolBackTo(baseline, RECLAIM_DELAY_MS + 10_000);
        }
    }

    @Test
    void shouldFallBackToTcpForAClientInAnotherMemoryDomain() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-domain", netns(), LEASE_MS, RECLAIM_DELAY_MS))
        {
            cluster.daemon("hostA", BIG_QUOTA);
            cluster.daemon("hostD", BIG_QUOTA);
            cluster.server("hostA", "/far", "pool-1");
            final ChildJvm d = cluster.client("hostD", "other");
            connect(d, "/far", "TCP");
            assertLine(d, "call 200", "CALLS 200 0");
            assertEquals(0, cluster.inspect().heapCount(), "no pool heap for a TCP connection");
        }
    }
}
