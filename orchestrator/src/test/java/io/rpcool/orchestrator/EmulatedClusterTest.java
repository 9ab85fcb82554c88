package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * The four-host emulated cluster of {@code cluster.sh}: hostA..hostC in memory domain "pool-1"
 * sharing the pool, hostD in another domain, each a network namespace with its own daemon. Skipped
 * (with the reason) only where namespaces cannot be made: not root, or no iproute2.
 */
@Tag("cluster")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmulatedClusterTest
{
    @Test
    void shouldServeClientsOnTwoHostsOverThePoolAndAThirdInAnotherDomainOverTcp() throws Exception
    {
        final String unavailable = TestCluster.netnsUnavailable();
        assumeTrue(unavailable == null, () -> "network namespaces unavailable: " + unavailable);
        try (TestCluster cluster = new TestCluster("emulated", true, ClusterTest.LEASE_MS, ClusterTest.RECLAIM_DELAY_MS))
        {
            final long baseline = cluster.poolUsed();
            final ChildJvm daemonA = cluster.daemon("hostA", ClusterTest.BIG_QUOTA);
            cluster.daemon("hostB", ClusterTest.BIG_QUOTA);
            cluster.daemon("hostC", ClusterTest.BIG_QUOTA);
            cluster.daemon("hostD", ClusterTest.BIG_QUOTA);
            final ChildJvm server = cluster.server("hostA", "/svc/echo", "pool-1");
            final ChildJvm b = cluster.client("hostB", "pool-1");
            final ChildJvm c = cluster.client("hostC", "pool-1");
            final ChildJvm d = cluster.client("hostD", "other");
            ClusterTest.connect(b, "/svc/echo", "SHARED_MEMORY");
            ClusterTest.connect(c, "/svc/echo", "SHARED_MEMORY");
            ClusterTest.connect(d, "/svc/echo", "TCP");
            for (final ChildJvm client : List.of(b, c, d))
            {
                ClusterTest.assertLine(client, "call 1000", "CALLS 1000 0");
            }
            final String stat = TestCluster.stat(daemonA);
            assertTrue(stat.contains("cluster hosts (4): hostA, hostB, hostC, hostD"), stat);
            assertTrue(stat.contains("/svc/echo") && stat.contains("tcp 10.77.0.11:"),
                "the server's TCP fallback is on hostA's namespace: " + stat);
            assertTrue(stat.contains("client hostB/" + b.pid()) && stat.contains("client hostC/" + c.pid()), stat);
            assertEquals(2, cluster.inspect().heapCount(), "two pool heaps (B and C); D's connection copies over TCP");
            assertTrue(cluster.poolUsed() > baseline);
            server.kill9();
            for (final ChildJvm client : List.of(b, c))
            {
                client.awaitUnclaimedLine(ChildJvm.startingWith("PEER_FAILED"), ClusterTest.LEASE_MS + 5000);
                ClusterTest.assertLine(client, "close", "CLOSED");
            }
            cluster.awaitPoolBackTo(baseline, ClusterTest.RECLAIM_DELAY_MS + 10_000);
        }
    }
}
