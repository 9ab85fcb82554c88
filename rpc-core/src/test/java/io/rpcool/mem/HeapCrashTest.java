package io.rpcool.mem;

import io.rpcool.harness.jvm.ChildJvm;
import org.agrona.BufferUtil;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A second JVM allocates and frees in a heap file shared with this one and is killed with SIGKILL
 * while both are busy; the survivor must then validate, allocate and free as before. The two
 * processes map the file at different addresses, which the allocator allows because its metadata
 * holds offsets only.
 */
@Tag("multiprocess")
class HeapCrashTest
{
    private static final int HEAP_LENGTH = 32 << 20;
    private static final int ROUNDS = 6;

    @Test
    @Timeout(90)
    void shouldSurvivePeerKilledMidAllocation() throws Exception
    {
        final Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        final Path path = Files.createTempFile(dir, "rpcool-heap-crash-", ".heap");
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(HEAP_LENGTH);
            final MappedByteBuffer mapped = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, HEAP_LENGTH);
            final MemoryRegion region = new MemoryRegion("parent", BufferUtil.address(mapped), HEAP_LENGTH);
            final HeapAllocator heap = HeapAllocator.format(region);
            final RegionSet r = heap.regions();
            final SplittableRandom random = new SplittableRandom(42);
            final List<long[]> mine = new ArrayList<>();

            for (int round = 0; round < ROUNDS; round++)
            {
                try (ChildJvm child = startChild(path, round))
                {
                    child.awaitLine("READY", 60_000);

                    final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(250));
                    while (System.nanoTime() < deadline)
                    {
                        churn(heap, r, random, mine);
                    }
                    assertTrue(child.isAlive(), "child stopped by itself");
                    child.kill9();
                }

                final HeapReport before = heap.validate();
                assertTrue(before.allocatedBlocks() >= mine.size());
                checkStamps(r, mine);
                for (int i = 0; i < 20_000; i++)
                {
                    churn(heap, r, random, mine);
                }
                checkStamps(r, mine);
                final HeapReport after = heap.validate();
                assertTrue(after.leakedFreeBlocks() <= before.leakedFreeBlocks(), "new leaks without a crash");
            }

            for (final long[] block : mine)
            {
                heap.free(block[0]);
            }
            final HeapReport end = heap.validate();
            assertEquals(end.blocks(), end.allocatedBlocks() + end.freeListedBlocks() + end.leakedFreeBlocks());
            java.lang.ref.Reference.reachabilityFence(mapped);
        }
        finally
        {
            Files.deleteIfExists(path);
        }
    }

    private static void churn(final HeapAllocator heap, final RegionSet r, final SplittableRandom random,
        final List<long[]> mine)
    {
        if (mine.size() > 200 || (!mine.isEmpty() && random.nextBoolean()))
        {
            final long[] block = mine.remove(random.nextInt(mine.size()));
            assertEquals(block[1], r.getLong(block[0]), "block overwritten by the peer");
            heap.free(block[0]);
        }
        else
        {
            final long address = heap.allocate(8 + random.nextInt(random.nextInt(8) == 0 ? 20_000 : 300));
            assertNotEquals(Allocator.NULL_ADDRESS, address);
            final long stamp = random.nextLong();
            r.putLong(address, stamp);
            mine.add(new long[]{ address, stamp });
        }
    }

    private static void checkStamps(final RegionSet r, final List<long[]> mine)
    {
        for (final long[] block : mine)
        {
            assertEquals(block[1], r.getLong(block[0]), "block overwritten");
        }
    }

    private static ChildJvm startChild(final Path heapFile, final int seed)
    {
        return ChildJvm.builder(HeapCrashChild.class)
            .jvmFlags("--add-opens", "java.base/java.nio=ALL-UNNAMED", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto")
            .args(heapFile.toString(), Integer.toString(seed))
            .start();
    }
}
