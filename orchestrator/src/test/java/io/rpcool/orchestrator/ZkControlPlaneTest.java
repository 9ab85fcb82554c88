package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.control.ChannelEntry;
import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.ControlPlanes;
import io.rpcool.control.PoolHeap;
import io.rpcool.nativeio.SharedMemory;

/**
 * The ZooKeeper control plane against an in-process ZooKeeper: several hosts (each its own
 * session) allocating at once, channel names across hosts, leases and reclaim, and the errors a
 * daemon reports.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZkControlPlaneTest extends EmbeddedZkTestBase
{
    ZkControlPlaneTest()
    {
        super("zk-cp");
    }

    private ZkControlPlane host(final String id)
    {
        return host(id, null, new ArrayList<>());
    }

    /** A host whose ZooKeeper handle has {@code faults} (or none), collecting the messages it receives. */
    private ZkControlPlane host(final String id, final LostReplies faults, final List<String> received)
    {
        final ZkControlPlane cp = new ZkControlPlane("127.0.0.1:" + zk.port(), "/rpcool",
            new ClusterSettings(id, pool, 2000, 0x5000_0000_0000L, 0x6000_0000_0000L), null, faults == null ? null : faults.factory());
        cp.start(new ControlPlane.Listener()
        {
            @Override
            public void onMessage(final String fromHost, final byte[] message)
            {
                synchronized (received)
                {
                    received.add(fromHost + ":" + new String(message, java.nio.charset.StandardCharsets.UTF_8));
                }
            }

            @Override
            public void onHostFailed(final String hostId)
            {
            }
        });
        closeables.add(cp);
        return cp;
    }

    @Test
    void shouldNeverHandOutOverlappingAddressesWhenHostsAllocateAtOnce() throws Exception
    {
        final List<ZkControlPlane> hosts = List.of(host("h1"), host("h2"), host("h3"), host("h4"));
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        final List<Future<PoolHeap>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++)
        {
            final ZkControlPlane host = hosts.get(i % hosts.size());
            final long length = (i % 3 + 1) * 1024L * 1024 + 4096 * i;
            final int pid = 1000 + i;
            futures.add(pool.submit(() -> host.createHeap(length, pid, "test")));
        }
        final TreeMap<Long, Long> ranges = new TreeMap<>();
        for (final Future<PoolHeap> f : futures)
        {
            final PoolHeap h = f.get(30, TimeUnit.SECONDS);
            SharedMemory.close(h.fd());
            assertEquals(0, h.address() % ZkControlPlane.ALIGNMENT);
            assertNull(ranges.put(h.address(), h.length()), "address handed out twice");
        }
        pool.shutdown();
        long end = 0;
        for (final var e : ranges.entrySet())
        {
            assertTrue(e.getKey() >= end, String.format("heap at 0x%x overlaps the one before", e.getKey()));
            end = e.getKey() + e.getValue();
        }
        assertEquals(64, ranges.size());
        assertEquals(64, PoolUsage.heapFiles(this.pool));
    }

    @Test
    void shouldReclaimAHeapOnlyOnceItsLastLeaseIsGone() throws Exception
    {
        final ZkControlPlane a = host("a");
        final ZkControlPlane b = host("b");
        final Orchestrator orchestrator = new Orchestrator("127.0.0.1:" + zk.port(), "/rpcool", "o1", pool, 300, 4000);
        closeables.add(orchestrator);
        assertTrue(orchestrator.awaitLeadership(10_000));
        final PoolHeap heap = a.createHeap(1 << 20, 11, "test");
        final PoolHeap same = b.openHeap(heap.address(), heap.length(), 22);
        SharedMemory.close(heap.fd());
        SharedMemory.close(same.fd());
        a.releaseLease(heap.address(), 11);
        Thread.sleep(1500);
        assertEquals(1, orchestrator.heapCount(), "b still holds a lease");
        assertEquals(1, PoolUsage.heapFiles(pool));
        b.releaseLease(heap.address(), 22);
        final long deadline = System.currentTimeMillis() + 5000;
        while (orchestrator.heapCount() > 0 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
        }
        assertEquals(0, orchestrator.heapCount());
        assertEquals(0, PoolUsage.heapFiles(pool));
        final ControlPlaneException gone = assertThrows(ControlPlaneException.class, () -> b.openHeap(heap.address(), heap.length(), 22));
        assertEquals(ControlPlaneException.NO_SUCH_HEAP, gone.reason());
        assertTrue(orchestrator.describe().contains("reclaimed so far: 1 heaps"), orchestrator.describe());
    }

    private ClusterInspector inspector()
    {
        final ClusterInspector inspector = new ClusterInspector("127.0.0.1:" + zk.port(), "/rpcool", pool);
        closeables.add(inspector);
        return inspector;
    }

    @Test
    void shouldCreateAHeapOnceWhenTheReplyOfItsTransactionIsLost()
    {
        final LostReplies faults = new LostReplies();
        final ZkControlPlane a = host("a", faults, new ArrayList<>());
        faults.lostMultiReplies.set(1);
        final PoolHeap heap = a.createHeap(1 << 20, 11, "test");
        SharedMemory.close(heap.fd());
        assertEquals(0, faults.lostMultiReplies.get(), "the transaction committed and its reply was lost");
        final ClusterInspector inspector = inspector();
        final List<long[]> heaps = inspector.heaps();
        assertEquals(1, heaps.size(), "one heap in the cluster, not an orphan beside it");
        assertArrayEquals(new long[] {heap.address(), heap.length(), 1}, heaps.get(0), "the heap handed out, with its creator's lease");
        assertEquals(1, PoolUsage.heapFiles(pool), "its file is in the pool");
        a.releaseLease(heap.address(), 11);
        assertEquals(0, inspector.heaps().get(0)[2], "released: nothing holds it any more");
    }

    @Test
    void shouldLetGoOfAHeapWhoseCreationOutcomeWasUnknown() throws Exception
    {
        final LostReplies faults = new LostReplies();
        final ZkControlPlane a = host("a", faults, new ArrayList<>());
        final Orchestrator orchestrator = new Orchestrator("127.0.0.1:" + zk.port(), "/rpcool", "o1", pool, 300, 4000);
        closeables.add(orchestrator);
        assertTrue(orchestrator.awaitLeadership(10_000));
        faults.lostMultiReplies.set(1);
        faults.refusedMultis.set(100);
        final ControlPlaneException e = assertThrows(ControlPlaneException.class, () -> a.createHeap(1 << 20, 11, "test"));
        assertEquals(ControlPlaneException.UNREACHABLE, e.reason(), e.getMessage());
        faults.refusedMultis.set(0);
        // The heap committed with a lease of a's session; a removes that lease and the orchestrator reclaims the heap.
        final long deadline = System.currentTimeMillis() + 10_000;
        while ((orchestrator.heapCount() > 0 || PoolUsage.heapFiles(pool) > 0) && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
        }
        assertEquals(0, orchestrator.heapCount(), orchestrator.describe());
        assertEquals(0, PoolUsage.heapFiles(pool));
        assertTrue(orchestrator.describe().contains("reclaimed so far: 1 heaps"), orchestrator.describe());
        final PoolHeap next = a.createHeap(1 << 20, 12, "test");
        SharedMemory.close(next.fd());
        assertEquals(1, orchestrator.heapCount());
    }

    @Test
    void shouldPublishAChannelWhenTheReplyOfItsCreateIsLost()
    {
        final LostReplies faults = new LostReplies();
        final ZkControlPlane a = host("a", faults, new ArrayList<>());
        final ZkControlPlane b = host("b");
        faults.lostCreateReplies.set(1);
        final ChannelEntry entry = new ChannelEntry("/shop/cart", "a", 7, 100, "pool-1", "10.0.0.1", 4000);
        a.publishChannel(entry);
        assertEquals(0, faults.lostCreateReplies.get(), "the create committed and its reply was lost");
        assertEquals(entry, b.findChannel("/shop/cart"));
        a.withdrawChannel("/shop/cart");
        assertNull(b.findChannel("/shop/cart"), "withdrawn: a knew it had published it");
    }

    @Test
    void shouldDeliverAMessageOnceWhenTheReplyOfItsSendIsLost() throws Exception
    {
        final LostReplies faults = new LostReplies();
        final ZkControlPlane a = host("a", faults, new ArrayList<>());
        final List<String> received = new ArrayList<>();
        host("b", null, received);
        faults.lostCreateReplies.set(1);
        a.send("b", "first".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, faults.lostCreateReplies.get(), "the create committed and its reply was lost");
        a.send("b", "second".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.send("b", "third".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline)
        {
            synchronized (received)
            {
                if (received.contains("a:third"))
                {
                    break;
                }
            }
            Thread.sleep(20);
        }
        // A duplicate of the first would be a node created before the second was sent: taken before the third.
        synchronized (received)
        {
            assertEquals(List.of("a:first", "a:second", "a:third"), received);
        }
    }

    @Test
    void shouldRefuseAChannelNameTakenOnAnotherHost()
    {
        final ZkControlPlane a = host("a");
        final ZkControlPlane b = host("b");
        a.publishChannel(new ChannelEntry("/shop/cart", "a", 7, 100, "pool-1", "10.0.0.1", 4000));
        final ControlPlaneException e = assertThrows(ControlPlaneException.class,
            () -> b.publishChannel(new ChannelEntry("/shop/cart", "b", 3, 200, "pool-1", "10.0.0.2", 4001)));
        assertEquals(ControlPlaneException.CHANNEL_EXISTS, e.reason());
        assertTrue(e.getMessage().contains("host a") && e.getMessage().contains("process 100"), e.getMessage());
        assertEquals(new ChannelEntry("/shop/cart", "a", 7, 100, "pool-1", "10.0.0.1", 4000), b.findChannel("/shop/cart"));
        a.withdrawChannel("/shop/cart");
        assertNull(b.findChannel("/shop/cart"));
    }

    @Test
    void shouldReportAnUnreachableOrchestratorClearly()
    {
        System.setProperty("rpcool.zk.connectTimeoutMs", "1500");
        try
        {
            final ControlPlaneException e = assertThrows(ControlPlaneException.class, () -> ControlPlanes.load("zk:127.0.0.1:1",
                new ClusterSettings("x", pool, 2000, 0x5000_0000_0000L, 0x6000_0000_0000L)));
            assertEquals(ControlPlaneException.UNREACHABLE, e.reason());
            assertTrue(e.getMessage().contains("127.0.0.1:1 is unreachable"), e.getMessage());
        }
        finally
        {
            System.clearProperty("rpcool.zk.connectTimeoutMs");
        }
    }

    @Test
    void shouldNameTheMissingProviderForAnUnknownSpec()
    {
        final ControlPlaneException e = assertThrows(ControlPlaneException.class, () -> ControlPlanes.load("etcd:1.2.3.4",
            new ClusterSettings("x", pool, 2000, 0x5000_0000_0000L, 0x6000_0000_0000L)));
        assertTrue(e.getMessage().contains("rpcool.orchestrator=etcd:1.2.3.4"), e.getMessage());
        assertNull(ControlPlanes.load("", null), "no spec: a single host");
    }
}
