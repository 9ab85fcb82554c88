package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.PoolHeap;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.nativeio.SharedMemory;

/**
 * A 3-node ZooKeeper ensemble in this JVM (Curator's TestingCluster), two orchestrator JVMs, host
 * daemons, a server and clients; the active orchestrator is killed with kill -9 while connections
 * are made and heaps allocated and released, then one ZooKeeper node is killed too.
 */
@Tag("cluster")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HighAvailabilityTest
{
    private static final long ORCHESTRATOR_SESSION_MS = 3000;

    @Test
    void shouldLetTheStandbyTakeOverWithoutLosingOrDuplicatingALeaseOrAnAddress() throws Exception
    {
        try (TestingCluster ensemble = new TestingCluster(3))
        {
            ensemble.start();
            try (TestCluster cluster = new TestCluster("ha", false, ClusterTest.LEASE_MS, ClusterTest.RECLAIM_DELAY_MS,
                ensemble.getConnectString()))
            {
                final long baseline = cluster.poolUsed();
                final ChildJvm o1 = cluster.orchestratorJvm("o1", ClusterTest.RECLAIM_DELAY_MS, ORCHESTRATOR_SESSION_MS);
                assertEquals("LEADER", o1.awaitLine("LEADER", 30_000));
                final ChildJvm o2 = cluster.orchestratorJvm("o2", ClusterTest.RECLAIM_DELAY_MS, ORCHESTRATOR_SESSION_MS);
                assertEquals("STANDBY", o2.awaitLine("STANDBY", 30_000));
                cluster.daemon("hostA", ClusterTest.BIG_QUOTA);
                cluster.daemon("hostB", ClusterTest.BIG_QUOTA);
                cluster.server("hostA", "/ha", "pool-1");
                final ChildJvm c1 = cluster.client("hostB", "pool-1");
                ClusterTest.connect(c1, "/ha", "SHARED_MEMORY");
                ClusterTest.assertLine(c1, "call 100", "CALLS 100 0");

                // Two more hosts allocate and release heaps without pause, through the whole takeover.
                final Load load = new Load(cluster);
                load.start();
                Thread.sleep(1500);
                o1.kill9();
                final long killedAt = System.currentTimeMillis();
                assertEquals("LEADER", o2.awaitLine("LEADER", ORCHESTRATOR_SESSION_MS + 10_000));
                final long takeoverMs = System.currentTimeMillis() - killedAt;
                System.out.println("standby took over " + takeoverMs + " ms after the leader was killed");

                // A ZooKeeper node dies as well: the ensemble keeps its quorum.
                final InstanceSpec victim = ensemble.getInstances().iterator().next();
                assertTrue(ensemble.killServer(victim));
                Thread.sleep(1500);
                final ChildJvm c2 = cluster.client("hostB", "pool-1");
                ClusterTest.connect(c2, "/ha", "SHARED_MEMORY");
                ClusterTest.assertLine(c2, "call 100", "CALLS 100 0");
                ClusterTest.assertLine(c1, "call 100", "CALLS 100 0");
                load.stop();
                assertNull(load.failure.get(), () -> "load failed: " + load.failure.get());
                assertTrue(load.allocations.get() > 20, "allocations during the run: " + load.allocations.get());

                // Nothing held was lost: every heap the load still holds is in the cluster with its lease; no two overlap.
                final List<long[]> heaps = cluster.inspect().heaps();
                final TreeMap<Long, long[]> byAddress = new TreeMap<>();
                for (final long[] h : heaps)
                {
                    assertNull(byAddress.put(h[0], h), "address listed twice");
                }
                long end = 0;
                for (final long[] h : byAddress.values())
                {
                    assertTrue(h[0] >= end, String.format("heap 0x%x overlaps the one before", h[0]));
                    end = h[0] + h[1];
                }
                // Every other heap is a connection's (a client and a server lease) or one the load released (none, not yet reclaimed).
                int connectionHeaps = 0;
                for (final long[] h : heaps)
                {
                    if (load.held.containsKey(h[0]))
                    {
                        continue;
                    }
                    if (h[2] == 0)
                    {
                        assertTrue(load.released.contains(h[0]), String.format("heap 0x%x without lease was never released", h[0]));
                        continue;
                    }
                    connectionHeaps++;
                    assertEquals(2, h[2], String.format("connection heap 0x%x keeps its client and server leases", h[0]));
                }
                assertEquals(2, connectionHeaps, "the two connections' heaps");
                for (final Map.Entry<Long, Long> held : load.held.entrySet())
                {
                    final long[] h = byAddress.get(held.getKey());
                    assertNotNull(h, String.format("held heap 0x%x lost", held.getKey()));
                    assertEquals(1, h[2], "its lease is still there");
                }
                // The new leader collects what is released now.
                load.releaseAll();
                c1.send("close");
                c2.send("close");
                c1.awaitLine("CLOSED", 10_000);
                c2.awaitLine("CLOSED", 10_000);
                cluster.awaitPoolBackTo(baseline, ClusterTest.RECLAIM_DELAY_MS + 15_000);
                load.close();
            }
        }
    }

    /** Two control planes (hosts h1, h2) creating, keeping and releasing heaps in a loop. */
    private static final class Load implements AutoCloseable
    {
        final Map<Long, Long> held = new ConcurrentHashMap<>();
        final Map<Long, ZkControlPlane> owner = new ConcurrentHashMap<>();
        final java.util.Set<Long> released = ConcurrentHashMap.newKeySet();
        final AtomicInteger allocations = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<ZkControlPlane> hosts = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load(final TestCluster cluster)
        {
            for (final String id : List.of("h1", "h2"))
            {
                final ZkControlPlane cp = new ZkControlPlane(cluster.zkLocal(), "/rpcool",
                    new ClusterSettings(id, cluster.pool, 6000, 0x5000_0000_0000L, 0x6000_0000_0000L), null);
                cp.start(new ControlPlane.Listener()
                {
                    @Override
                    public void onMessage(final String fromHost, final byte[] message)
                    {
                    }

                    @Override
                    public void onHostFailed(final String hostId)
                    {
                    }
                });
                hosts.add(cp);
            }
        }

        void start()
        {
            for (final ZkControlPlane cp : hosts)
            {
                final Thread t = new Thread(() ->
                {
                    int i = 0;
                    while (running.get())
                    {
                        try
                        {
                            final PoolHeap h = cp.createHeap(64 * 1024, 10_000 + i, "load");
                            SharedMemory.close(h.fd());
                            allocations.incrementAndGet();
                            for (final Map.Entry<Long, Long> other : held.entrySet())
                            {
                                if (h.address() < other.getKey() + other.getValue() && other.getKey() < h.address() + h.length())
                                {
                                    throw new AssertionError(
                                        String.format("0x%x handed out while 0x%x is held", h.address(), other.getKey()));
                                }
                            }
                            if (i % 2 == 0)
                            {
                                held.put(h.address(), h.length());
                                owner.put(h.address(), cp);
                                pids.put(h.address(), 10_000 + i);
                            }
                            else
                            {
                                released.add(h.address());
                                cp.releaseLease(h.address(), 10_000 + i);
                            }
                            i++;
                        }
                        catch (final Throwable e)
                        {
                            failure.compareAndSet(null, e);
                            return;
                        }
                    }
                }, "load");
                threads.add(t);
                t.start();
            }
        }

        final Map<Long, Integer> pids = new ConcurrentHashMap<>();

        void stop() throws InterruptedException
        {
            running.set(false);
            for (final Thread t : threads)
            {
                t.join(20_000);
            }
        }

        void releaseAll()
        {
            for (final Long address : held.keySet())
            {
                owner.get(address).releaseLease(address, pids.get(address));
            }
            held.clear();
        }

        @Override
        public void close()
        {
            for (final ZkControlPlane cp : hosts)
            {
                cp.close();
            }
        }
    }
}
