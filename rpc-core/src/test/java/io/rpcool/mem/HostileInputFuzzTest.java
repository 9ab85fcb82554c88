package io.rpcool.mem;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random memory sprinkled with valid tags and with pointers into the region: every reader must
 * either succeed or raise a {@link SharedMemoryException}.
 */
class HostileInputFuzzTest
{
    private static final int LENGTH = 16 * 1024;
    private static final int[] TAGS = {
        SharedTypes.STRING, SharedTypes.LONG_VECTOR, SharedTypes.POINTER_VECTOR, SharedTypes.STRING_MAP,
        SharedTypes.JSON_NODE, SharedTypes.BOX, SharedTypes.PRIMITIVE_ARRAY, SharedTypes.RECORD, TreeNode.TAG };

    private final TestMemory memory = new TestMemory();
    private final MemoryRegion region = memory.region("fuzz", LENGTH);
    private final RegionSet r = RegionSet.of(region);
    private HeapAllocator target;

    @Property(tries = 300)
    void readersShouldOnlyRaiseSharedMemoryExceptions(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        target = memory.freshHeap("target", 1 << 20);
        final long base = region.base();
        for (long at = base; at < base + LENGTH; at += 8)
        {
            final int choice = random.nextInt(10);
            final long word;
            if (choice < 4)
            {
                word = base + (random.nextInt(LENGTH) & ~7);
            }
            else if (choice < 6)
            {
                word = random.nextInt(16);
            }
            else if (choice < 8)
            {
                word = ((long)random.nextInt(8) << 32) | TAGS[random.nextInt(TAGS.length)];
            }
            else
            {
                word = random.nextLong();
            }
            r.putLong(at, word);
        }
        for (int i = 0; i < 40; i++)
        {
            final long pointer = base + (random.nextInt(LENGTH) & ~7);
            r.putInt(pointer, TAGS[random.nextInt(TAGS.length)]);
            readAll(pointer);
        }
    }

    private void readAll(final long pointer)
    {
        final TraversalLimits limits = new TraversalLimits(64, 10_000);
        expectSharedMemoryExceptionOrSuccess(() -> SharedObjects.materialize(r, pointer, Object.class, limits));
        expectSharedMemoryExceptionOrSuccess(() -> SharedJson.toJson(r, pointer, limits));
        expectSharedMemoryExceptionOrSuccess(() -> SharedObjects.copy(r, pointer, target, limits));
        expectSharedMemoryExceptionOrSuccess(() -> new SharedStringMap().wrap(r, pointer).get("key", 0));
        expectSharedMemoryExceptionOrSuccess(() -> new SharedPointerVector().wrap(r, pointer).toLongArray());
        expectSharedMemoryExceptionOrSuccess(() -> SharedObjects.materialize(r, pointer,
            HostileInputTest.TestRecord.class, limits));
        expectSharedMemoryExceptionOrSuccess(() -> RpcBuffer.attach(r, pointer).allocate(8));
    }

    private static void expectSharedMemoryExceptionOrSuccess(final Runnable read)
    {
        try
        {
            read.run();
        }
        catch (final SharedMemoryException expected)
        {
            assertNotNull(expected.getMessage());
        }
        catch (final Throwable other)
        {
            fail("hostile memory caused " + other, other);
        }
    }
}
