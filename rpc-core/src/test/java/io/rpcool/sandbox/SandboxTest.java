package io.rpcool.sandbox;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;

import io.rpcool.mem.HeapAllocator;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedMemoryBoundsException;
import io.rpcool.mem.SharedObjects;
import io.rpcool.mem.SharedString;

/**
 * The sandbox itself, with whatever provider this JVM picks (bounded views on a machine without
 * protection keys): views, scratch, variables and results.
 */
class SandboxTest
{
    private final List<ByteBuffer> memory = new ArrayList<>();

    record Point(long x, long y, String label)
    {
    }

    private MemoryRegion region(final String name, final int length)
    {
        final ByteBuffer b = BufferUtil.allocateDirectAligned(length, 4096);
        memory.add(b);
        return new MemoryRegion(name, BufferUtil.address(b), length);
    }

    @Test
    void shouldReadInsideTheRegionAndRefuseOutside() throws Exception
    {
        final HeapAllocator heap = HeapAllocator.format(region("heap", 1 << 20));
        final RpcBuffer buffer = RpcBuffer.create(heap, 64 * 1024);
        final long inside = SharedObjects.copyFrom(new Point(1, 2, "in"), buffer);
        final long outside = SharedObjects.copyFrom(new Point(3, 4, "secret"), heap);

        final Point p = Sandbox.run(buffer.region(), sb -> SharedObjects.materialize(sb.regions(), inside, Point.class));
        assertEquals(new Point(1, 2, "in"), p);

        final SandboxViolationException e = assertThrows(SandboxViolationException.class,
            () -> Sandbox.run(buffer.region(), sb -> SharedObjects.materialize(sb.regions(), outside, Point.class)));
        assertEquals(SandboxViolationException.Kind.BOUNDS, e.kind());
        assertEquals(outside, e.address() & ~7L, "the first refused access is the header of the outside object");
    }

    @Test
    void shouldReportAViolationTheBodySwallowed()
    {
        final MemoryRegion r = region("r", 4096);
        final SandboxViolationException e = assertThrows(SandboxViolationException.class, () -> Sandbox.run(r, sb ->
        {
            try
            {
                return sb.regions().getLong(r.end());
            }
            catch (final SharedMemoryBoundsException swallowed)
            {
                return -1L;
            }
        }));
        assertEquals(r.end(), e.address());
    }

    @Test
    void shouldDiscardScratchOnExitAndCloseTheViews() throws Exception
    {
        final MemoryRegion r = region("r", 4096);
        final long[] seen = new long[2];
        final RegionSet[] views = new RegionSet[1];
        Sandbox.run(r, sb ->
        {
            final long s = SharedString.allocate(sb.scratch(), "temporary value");
            assertEquals("temporary value", SharedString.read(sb.regions(), s));
            seen[0] = s;
            views[0] = sb.regions();
            return null;
        });
        assertThrows(SharedMemoryBoundsException.class, () -> views[0].getLong(seen[0]), "views are closed after exit");
        assertThrows(SharedMemoryBoundsException.class, () -> views[0].getLong(r.base()));
        // The next sandbox gets the scratch area again, zeroed.
        Sandbox.run(r, sb ->
        {
            final long s = sb.scratch().allocate(64);
            seen[1] = s;
            for (int i = 0; i < 64; i += 8)
            {
                assertEquals(0L, sb.regions().getLong(s + i), "nothing the previous sandbox left remains");
            }
            return null;
        });
        assertEquals(seen[0], seen[1], "one thread reuses one scratch area");
    }

    @Test
    void shouldPassVariablesInAndCopySharedOnesIntoScratch() throws Exception
    {
        final HeapAllocator heap = HeapAllocator.format(region("heap", 1 << 20));
        final RpcBuffer buffer = RpcBuffer.create(heap, 4096);
        final long kept = SharedObjects.copyFrom(new Point(7, 8, "server's own"), heap);
        final String result = Sandbox.run(buffer.region(), sb ->
        {
            final String prefix = (String)sb.var(0);
            final Point p = SharedObjects.materialize(sb.regions(), sb.pointerVar(1), Point.class);
            return prefix + p.label();
        }, "copy of ", new SharedVar(heap.regions(), kept));
        assertEquals("copy of server's own", result);
        assertThrows(SandboxViolationException.class, () -> Sandbox.run(buffer.region(),
            sb -> sb.regions().getLong(sb.pointerVar(0)), kept), "the original stays out of reach");
    }

    @Test
    void shouldKeepResultsAllocatedInTheRpcBuffer() throws Exception
    {
        final HeapAllocator heap = HeapAllocator.format(region("heap", 1 << 20));
        final RpcBuffer buffer = RpcBuffer.create(heap, 4096);
        final long s = Sandbox.run(buffer.region(), sb -> SharedString.allocate(sb.results(), "kept"));
        assertTrue(buffer.region().contains(s, 8));
        assertEquals("kept", SharedString.read(buffer.regions(), s));
    }

    @Test
    void shouldZeroResultsOfASandboxThatViolated()
    {
        final HeapAllocator heap = HeapAllocator.format(region("heap", 1 << 20));
        final RpcBuffer buffer = RpcBuffer.create(heap, 4096);
        final long[] at = new long[1];
        assertThrows(SandboxViolationException.class, () -> Sandbox.run(buffer.region(), sb ->
        {
            at[0] = SharedString.allocate(sb.results(), "half-done result");
            return sb.regions().getLong(heap.region().base());
        }));
        assertEquals(0L, buffer.regions().getLong(at[0]));
        assertEquals(0L, buffer.regions().getLong(at[0] + 8));
    }

    @Test
    void shouldRefuseToNest() throws Exception
    {
        final MemoryRegion r = region("r", 4096);
        Sandbox.run(r, sb ->
        {
            assertTrue(Sandbox.inSandbox());
            assertThrows(IllegalStateException.class, () -> Sandbox.run(r, inner -> null));
            return null;
        });
        assertFalse(Sandbox.inSandbox());
    }

    @Test
    void shouldRethrowWhatTheBodyThrew()
    {
        final MemoryRegion r = region("r", 4096);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Sandbox.run(r, sb ->
            {
                throw new IllegalArgumentException("mine");
            }));
        assertEquals("mine", e.getMessage());
    }

    @Test
    void shouldDescribeTheProviderInUse()
    {
        final String status = Sandboxes.status();
        assertTrue(status.startsWith("sandbox: "), status);
        if (!Sandboxes.hardwareProtection())
        {
            assertTrue(status.contains("hardware layer (MPK) off"), status);
        }
    }
}
