package io.rpcool.sandbox;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.agrona.BufferUtil;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.mem.HeapAllocator;
import io.rpcool.mem.MalformedStructureException;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedTypeException;
import io.rpcool.nativeio.Native;

/**
 * Property-based fuzzing of a handler that walks random pointer graphs built by a hostile sender
 * (see {@link HostileGraph}): whatever the graph, the walk never crashes the JVM, never reads
 * outside the sandbox's region (every outside target holds a secret that would show in the sum,
 * and the unmapped target would crash the JVM if touched), and ends exactly as the model says:
 * the right sum, or a sandbox violation, or a malformed-structure or type error. Through a server,
 * every hostile call gets an error reply with the right status and the server keeps serving.
 * <p>
 * 105,000 generated cases in all.
 */
class HostileGraphFuzzTest
{
    static final int BUFFER = 64 * 1024;
    static final int WALK = 1;

    /** Memory every try reuses. */
    static final class Fixture
    {
        final ByteBuffer heapMemory = BufferUtil.allocateDirectAligned(1 << 20, 4096);
        final ByteBuffer otherMemory = BufferUtil.allocateDirectAligned(64 * 1024, 4096);
        final ByteBuffer jvmMemory = ByteBuffer.allocateDirect(4096);
        final HeapAllocator heap = HeapAllocator.format(new MemoryRegion("heap", BufferUtil.address(heapMemory), 1 << 20));
        final RpcBuffer buffer = RpcBuffer.create(heap, BUFFER);
        final long unmapped = reserveUnmapped(16);
        final HostileGraph.Targets targets;

        Fixture()
        {
            final long other = BufferUtil.address(otherMemory) + 4096;
            final long same = heap.allocate(64);
            final long jvm = BufferUtil.address(jvmMemory) + 64;
            final RegionSet w = RegionSet.of(new MemoryRegion("other", BufferUtil.address(otherMemory), 64 * 1024),
                heap.region(), new MemoryRegion("jvm", BufferUtil.address(jvmMemory), 4096));
            HostileGraph.plantSecret(w, other);
            HostileGraph.plantSecret(w, same);
            HostileGraph.plantSecret(w, jvm);
            targets = new HostileGraph.Targets(other, same, unmapped, 16 * 4096, jvm);
        }
    }

    /** Pages reserved with no access at all: a read that reached them would crash the JVM. */
    static long reserveUnmapped(final int pages)
    {
        final jnr.ffi.Pointer p = Native.libc().mmap(null, pages * 4096L, Native.PROT_NONE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
        assertNotNull(p);
        assertNotEquals(Native.MAP_FAILED, p.address());
        return p.address();
    }

    private static Fixture fixture;
    private static Rpcool rpc;
    private static Connection hostile;
    private static Connection other;
    private static ClientCall call;
    private static RpcBuffer rpcBuffer;
    private static HostileGraph.Targets rpcTargets;
    private static long rpcUnmapped;
    private static Channel channel;

    @BeforeContainer
    static void setUp()
    {
        fixture = new Fixture();
        final Path dir = TestDirs.fresh("sb-fuzz");
        rpc = Rpcool.launch(TestDirs.context(dir).heapSize(1 << 20));
        channel = rpc.openChannel("/fuzz/walk", ChannelOptions.defaults().sandboxed(true));
        channel.register(WALK, c ->
        {
            final GraphWalker walker = new GraphWalker(c.sandbox().regions());
            final long sum = walker.sum(c.request().getLong(8));
            // A temporary in scratch: gone when the call ends.
            final long visited = c.sandbox().scratch().allocateZeroed(8);
            c.sandbox().regions().putLong(visited, walker.visited());
            c.reply().putLong(0, sum);
            c.replyLength(8);
        });
        hostile = rpc.connect("/fuzz/walk");
        other = rpc.connect("/fuzz/walk");
        call = hostile.newCall(WALK);
        rpcBuffer = hostile.createBuffer(BUFFER);
        final long sameHeap = hostile.heap().allocate(64);
        final long otherHeap = other.heap().allocate(64);
        HostileGraph.plantSecret(hostile.heap().regions(), sameHeap);
        HostileGraph.plantSecret(other.heap().regions(), otherHeap);
        rpcUnmapped = reserveUnmapped(16);
        rpcTargets = new HostileGraph.Targets(otherHeap, sameHeap, rpcUnmapped, 16 * 4096, fixture.targets.jvmMemory());
    }

    @AfterContainer
    static void tearDown()
    {
        call.close();
        hostile.close();
        other.close();
        rpc.close();
    }

    private static HostileGraph layOut(final long seed, final RpcBuffer buffer, final HostileGraph.Targets targets)
    {
        final long firstFree = buffer.address() + buffer.length() - buffer.capacity();
        final RegionSet w = buffer.regions();
        w.setMemory(firstFree, buffer.region().end() - firstFree, (byte)0);
        return HostileGraph.build(new SplittableRandom(seed), buffer.region(), firstFree, w, targets);
    }

    @Property(tries = 95_000)
    void sandboxedWalkShouldEndAsTheModelSaysAndNeverReadOutside(@ForAll final long seed) throws Exception
    {
        final HostileGraph g = layOut(seed, fixture.buffer, fixture.targets);
        final HostileGraph.Outcome expected = g.expected();
        HostileGraph.Result result;
        long sum = 0;
        try
        {
            sum = Sandbox.run(fixture.buffer.region(), sb -> new GraphWalker(sb.regions()).sum(g.root()));
            result = HostileGraph.Result.OK;
        }
        catch (final SandboxViolationException e)
        {
            result = HostileGraph.Result.VIOLATION;
            assertFalse(fixture.buffer.region().contains(e.address(), e.length()), e.getMessage());
        }
        catch (final MalformedStructureException e)
        {
            result = HostileGraph.Result.MALFORMED;
        }
        catch (final SharedTypeException e)
        {
            result = HostileGraph.Result.TYPE;
        }
        assertEquals(expected.result(), result, "seed " + seed);
        assertEquals(expected.sum(), sum, "seed " + seed);
    }

    @Property(tries = 10_000)
    void serverShouldAnswerEveryHostileCallAsTheModelSays(@ForAll final long seed)
    {
        final HostileGraph g = layOut(seed, rpcBuffer, rpcTargets);
        final HostileGraph.Outcome expected = g.expected();
        call.request().putLong(0, rpcBuffer.address());
        call.request().putLong(8, g.root());
        try
        {
            call.invoke(16);
            assertEquals(HostileGraph.Result.OK, expected.result(), "seed " + seed);
            assertEquals(expected.sum(), call.reply().getLong(0), "seed " + seed);
        }
        catch (final RpcException e)
        {
            final Status want = expected.result() == HostileGraph.Result.VIOLATION ? Status.SANDBOX_VIOLATION :
                expected.result() == HostileGraph.Result.OK ? Status.OK : Status.HANDLER_FAILED;
            assertEquals(want, e.status(), "seed " + seed + ": " + e.getMessage());
            assertFalse(e.getMessage().contains(Long.toString(HostileGraph.SECRET)), e.getMessage());
            final org.agrona.concurrent.UnsafeBuffer whole =
                new org.agrona.concurrent.UnsafeBuffer(call.replyAddress(), hostile.bufferSize());
            for (int i = 0; i + 8 <= whole.capacity(); i++)
            {
                assertNotEquals(HostileGraph.SECRET, whole.getLong(i), "no secret anywhere in the reply buffer");
            }
        }
    }
}
