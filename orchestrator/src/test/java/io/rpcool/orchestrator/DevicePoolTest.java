package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.PoolHeap;
import io.rpcool.nativeio.SharedMemory;

/**
 * A pool that is one memory device, with a file of fixed size standing for the device: heaps are
 * ranges of it allocated through ZooKeeper by several hosts, mapped at their address from the
 * range's start, reused only once reclaimed, and every bad input is refused naming the device and
 * the sizes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevicePoolTest extends EmbeddedZkTestBase
{
    private static final long MIB = 1024 * 1024;

    DevicePoolTest()
    {
        super("zk-device");
    }

    private Path device(final String name, final long bytes) throws Exception
    {
        final Path file = base.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            f.setLength(bytes);
        }
        return file;
    }

    private Orchestrator orchestrator(final String root, final Path device, final long bytes)
    {
        final Orchestrator o = new Orchestrator("127.0.0.1:" + zk.port(), root, "o-" + root.hashCode(), pool, 200, 4000, device, bytes);
        closeables.add(o);
        return o;
    }

    private ZkControlPlane host(final String id, final Path device)
    {
        final ZkControlPlane cp = new ZkControlPlane("127.0.0.1:" + zk.port(), "/rpcool",
            new ClusterSettings(id, pool, 2000, 0x5000_0000_0000L, 0x6000_0000_0000L, 0, device), null);
        cp.start(ControlPlane.Listener.IGNORE);
        closeables.add(cp);
        return cp;
    }

    @Test
    void shouldMapAHeapFromItsRangeSoBothHostsSeeTheSameBytes() throws Exception
    {
        final Path device = device("dev", 32 * MIB);
        orchestrator("/rpcool", device, 0);
        final ZkControlPlane a = host("hA", device);
        final ZkControlPlane b = host("hB", device);
        final PoolHeap created = a.createHeap(3 * MIB, 101, "test");
        assertTrue(created.offset() >= PoolDevice.DATA_START && created.offset() % PoolDevice.RANGE_ALIGNMENT == 0, "range start");
        SharedMemory.mapFixed(created.fd(), created.address(), created.length(), created.offset());
        try
        {
            new UnsafeBuffer(created.address(), (int)created.length()).putStringAscii(4096, "written by hA");
            final PoolHeap opened = b.openHeap(created.address(), created.length(), 202);
            assertEquals(created.offset(), opened.offset(), "both hosts map the same range");
            final long other = SharedMemory.mapShared(opened.fd(), opened.length(), opened.offset());
            try
            {
                assertEquals("written by hA", new UnsafeBuffer(other, (int)opened.length()).getStringAscii(4096));
            }
            finally
            {
                SharedMemory.unmap(other, opened.length());
                SharedMemory.close(opened.fd());
            }
            try (RandomAccessFile f = new RandomAccessFile(device.toFile(), "r"))
            {
                f.seek(created.offset() + 4096 + 4);
                final byte[] text = new byte[13];
                f.readFully(text);
                assertEquals("written by hA", new String(text, java.nio.charset.StandardCharsets.US_ASCII), "the device holds it");
            }
            final String report = a.describe();
            assertTrue(report.contains(String.format("pool device [0x%x, 0x%x)", created.offset(), created.offset() + 4 * MIB)), report);
            assertTrue(report.contains("largest free"), report);
        }
        finally
        {
            SharedMemory.unmap(created.address(), created.length());
            SharedMemory.close(created.fd());
        }
    }

    @Test
    void shouldNeverHandOutARangeTwiceWhileItIsMapped() throws Exception
    {
        final Path device = device("dev", 128 * MIB);
        final Orchestrator orchestrator = orchestrator("/rpcool", device, 0);
        final List<ZkControlPlane> hosts = List.of(host("h1", device), host("h2", device), host("h3", device));
        final ExecutorService threads = Executors.newFixedThreadPool(6);
        final List<Future<PoolHeap>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            final ZkControlPlane host = hosts.get(i % hosts.size());
            final long length = (i % 2 + 1) * MIB + 4096 * i;
            final int pid = 1000 + i;
            futures.add(threads.submit(() -> host.createHeap(length, pid, "test")));
        }
        final TreeMap<Long, long[]> ranges = new TreeMap<>();
        for (int i = 0; i < futures.size(); i++)
        {
            final PoolHeap h = futures.get(i).get(30, TimeUnit.SECONDS);
            ranges.put(h.offset(), new long[] {h.length(), h.address(), i});
            SharedMemory.close(h.fd());
        }
        threads.shutdown();
        long end = 0;
        for (final var e : ranges.entrySet())
        {
            assertTrue(e.getKey() >= end, String.format("range at %d overlaps the previous one ending at %d", e.getKey(), end));
            end = e.getKey() + e.getValue()[0];
        }
        assertEquals(30, ranges.size());
        // A heap whose holder let go keeps its range until the orchestrator reclaimed it.
        final var first = ranges.firstEntry();
        final int creator = (int)first.getValue()[2];
        hosts.get(creator % hosts.size()).releaseLease(first.getValue()[1], 1000 + creator);
        final PoolHeap meanwhile = hosts.get(1).createHeap(first.getValue()[0], 5000, "test");
        SharedMemory.close(meanwhile.fd());
        assertNotEquals(first.getKey(), meanwhile.offset(), "the range of a heap not yet reclaimed is handed out again");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (orchestrator.heaps().stream().anyMatch(h -> h[0] == first.getValue()[1]))
        {
            assertTrue(System.nanoTime() < deadline, "the heap without a lease is never reclaimed");
            Thread.sleep(50);
        }
        final PoolHeap reused = hosts.get(2).createHeap(first.getValue()[0], 5001, "test");
        SharedMemory.close(reused.fd());
        assertEquals(first.getKey(), reused.offset(), "the reclaimed range is the first fit again");
    }

    @Test
    void shouldReturnTheRangesOfAHostWhoseSessionEndedOnceReclaimed() throws Exception
    {
        final Path device = device("dev", 16 * MIB);
        final Orchestrator orchestrator = orchestrator("/rpcool", device, 0);
        final ZkControlPlane gone = host("gone", device);
        final PoolHeap h = gone.createHeap(6 * MIB, 1, "test");
        SharedMemory.close(h.fd());
        final ZkControlPlane other = host("other", device);
        final ControlPlaneException full = assertThrows(ControlPlaneException.class, () -> other.createHeap(10 * MIB, 2, "test"));
        assertEquals(ControlPlaneException.POOL_FULL, full.reason());
        assertTrue(full.getMessage().contains(device.toString()) && full.getMessage().contains("largest free range has 8388608 bytes"),
            full.getMessage());
        gone.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (orchestrator.heapCount() > 0)
        {
            assertTrue(System.nanoTime() < deadline, "the ended session's heap is never reclaimed");
            Thread.sleep(50);
        }
        final PoolHeap whole = other.createHeap(14 * MIB, 2, "test");
        SharedMemory.close(whole.fd());
        assertEquals(PoolDevice.DATA_START, whole.offset());
    }

    @Test
    void shouldRefuseADeviceSmallerThanAsked() throws Exception
    {
        final Path device = device("small", 8 * MIB);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> orchestrator("/rpcool", device, 64 * MIB));
        assertTrue(e.getMessage().contains(device.toString()) && e.getMessage().contains("8388608 bytes (8 MiB)") &&
            e.getMessage().contains("67108864 bytes (64 MiB)"), e.getMessage());
    }

    @Test
    void shouldRefuseADeviceAnotherPoolUses() throws Exception
    {
        final Path device = device("dev", 16 * MIB);
        orchestrator("/first", device, 0);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> orchestrator("/second", device, 0));
        assertTrue(e.getMessage().contains(device.toString()) && e.getMessage().contains("already used by another pool (/first@") &&
            e.getMessage().contains("16777216 bytes"), e.getMessage());
    }

    @Test
    void shouldRefuseAHostWhoseDeviceIsNotThePoolsDevice() throws Exception
    {
        final Path device = device("dev", 16 * MIB);
        orchestrator("/rpcool", device, 0);
        final Path blank = device("blank", 16 * MIB);
        final ControlPlaneException e = assertThrows(ControlPlaneException.class, () -> host("hX", blank));
        assertTrue(e.getMessage().contains(blank.toString()) && e.getMessage().contains("not the device the orchestrator set up"),
            e.getMessage());
        final Path small = device("small", 4 * MIB);
        final ControlPlaneException tooSmall = assertThrows(ControlPlaneException.class, () -> host("hY", small));
        assertTrue(tooSmall.getMessage().contains("4194304 bytes, less than the cluster's pool of 16777216 bytes"),
            tooSmall.getMessage());
    }

    @Test
    void shouldRefuseARangeThatDoesNotFitTheDevice() throws Exception
    {
        final Path device = device("dev", 16 * MIB);
        orchestrator("/rpcool", device, 0);
        final ZkControlPlane a = host("hA", device);
        final ControlPlaneException e = assertThrows(ControlPlaneException.class, () -> a.createHeap(15 * MIB, 1, "test"));
        assertEquals(ControlPlaneException.POOL_FULL, e.reason());
        assertTrue(e.getMessage().contains("does not fit the pool device " + device) &&
            e.getMessage().contains("16777216 bytes, 14680064 of them for heaps"), e.getMessage());
    }

    @Test
    void shouldRefuseTheMemoryOfARangeThisHostHoldsNoLeaseOn() throws Exception
    {
        final Path device = device("dev", 16 * MIB);
        orchestrator("/rpcool", device, 0);
        final ZkControlPlane a = host("hA", device);
        final ZkControlPlane b = host("hB", device);
        final PoolHeap h = a.createHeap(MIB, 7, "test");
        SharedMemory.close(h.fd());
        final PoolHeap again = a.leasedMemory(h.address(), h.length());
        assertEquals(h.offset(), again.offset(), "the holder's host gets the range");
        SharedMemory.close(again.fd());
        final ControlPlaneException other = assertThrows(ControlPlaneException.class, () -> b.leasedMemory(h.address(), h.length()));
        assertEquals(ControlPlaneException.NO_LEASE, other.reason());
        assertTrue(other.getMessage().contains("host hB holds no lease"), other.getMessage());
        a.releaseLease(h.address(), 7);
        final ControlPlaneException released = assertThrows(ControlPlaneException.class, () -> a.leasedMemory(h.address(), h.length()));
        assertEquals(ControlPlaneException.NO_LEASE, released.reason());
        assertTrue(released.getMessage().contains(device.toString()), released.getMessage());
    }
}
