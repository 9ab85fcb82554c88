package io.rpcool.orchestrator;

import static io.rpcool.orchestrator.ClusterTest.assertLine;
import static io.rpcool.orchestrator.ClusterTest.connect;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;

/**
 * Two daemons ("hosts" of this machine, each with its own directory and ZooKeeper session) whose
 * pool is one device (a file of fixed size standing for it): a server on one, a client on the
 * other, calls with pointer-rich arguments read in place across them, and a server killed with
 * kill -9 whose range goes back to the pool once reclaimed. Uses no network namespace.
 */
@Tag("cluster")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevicePoolClusterTest
{
    private static final long DEVICE_BYTES = 64L * 1024 * 1024;

    @Test
    void shouldServeCallsAcrossHostsFromRangesOfOneDeviceAndReclaimAKilledServersRange() throws Exception
    {
        try (TestCluster cluster = new TestCluster("cl-device", false, ClusterTest.LEASE_MS, ClusterTest.RECLAIM_DELAY_MS, null,
            DEVICE_BYTES))
        {
            final ChildJvm daemonA = cluster.daemon("hostA", ClusterTest.BIG_QUOTA);
            final ChildJvm daemonB = cluster.daemon("hostB", ClusterTest.BIG_QUOTA);
            final ChildJvm server = cluster.server("hostA", "/shop", "pool-1");
            final ChildJvm client = cluster.client("hostB", "pool-1");
            connect(client, "/shop", "SHARED_MEMORY");
            assertLine(client, "call 50", "CALLS 50 0");
            // A string the server allocated, read in place by the client at the same address.
            client.send("greet");
            final String greeting = client.awaitLine("GREETING", 30_000);
            final String at = server.awaitLine("GREETING at", 30_000).substring("GREETING at ".length());
            assertTrue(greeting.startsWith("GREETING " + at + " "), greeting + " / server wrote at " + at);
            // An object graph the client built, summed in place by the server.
            client.send("total");
            assertTrue(client.awaitLine("TOTAL", 30_000).startsWith("TOTAL 1550 "), "the server read the client's order in place");
            final String report = cluster.inspect().describe();
            assertTrue(report.contains("pool device [0x200000, "), report);
            assertTrue(report.contains("pool device /rpcool@") && report.contains("largest free"), report);
            assertTrue(TestCluster.stat(daemonA).contains("pool device range [0x"), "the server's daemon maps a device range");
            assertTrue(TestCluster.stat(daemonB).contains("pool device range [0x"), "the client's daemon maps a device range");
            final int heaps = cluster.inspect().heapCount();
            assertTrue(heaps >= 1, report);

            server.kill9();
            client.awaitUnclaimedLine(ChildJvm.startingWith("PEER_FAILED"), ClusterTest.LEASE_MS + 10_000);
            assertLine(client, "close", "CLOSED");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cluster.inspect().heapCount() > 0)
            {
                assertTrue(System.nanoTime() < deadline, "the ranges never returned: " + cluster.inspect().describe());
                Thread.sleep(100);
            }
            final String after = cluster.inspect().describe();
            assertTrue(after.contains(": 0 bytes used, " + (DEVICE_BYTES - PoolDevice.DATA_START) + " free in 1 ranges"), after);
        }
    }
}
