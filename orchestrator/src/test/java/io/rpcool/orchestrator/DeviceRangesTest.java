package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

/** First fit over a device's ranges, and the figures stat shows, against hand-made heap sets. */
class DeviceRangesTest
{
    private static final long MIB = 1024 * 1024;

    private static String heap(final long offset, final long length)
    {
        return ClusterPaths.heapName(0x5000_0000_0000L + offset, length, 1, offset);
    }

    @Test
    void shouldFitTheLowestGapLargeEnoughOnRangeBoundaries()
    {
        final DeviceRanges ranges = new DeviceRanges(16 * MIB, List.of(heap(2 * MIB, 2 * MIB), heap(6 * MIB, MIB + 1),
            heap(12 * MIB, 2 * MIB)));
        assertEquals(4 * MIB, ranges.firstFit(1), "the first gap, [4, 6) MiB");
        assertEquals(4 * MIB, ranges.firstFit(2 * MIB));
        assertEquals(8 * MIB, ranges.firstFit(3 * MIB), "the heap of 1 MiB + 1 at 6 MiB takes a whole range");
        assertEquals(8 * MIB, ranges.firstFit(4 * MIB));
        assertEquals(-1, ranges.firstFit(5 * MIB));
        assertEquals(6 * MIB, ranges.usedBytes());
        assertEquals(8 * MIB, ranges.freeBytes());
        assertEquals(4 * MIB, ranges.largestFree());
        assertEquals(3, ranges.freeRanges());
        assertTrue(ranges.describe().contains("largest free 4194304 (fragmentation 50%)"), ranges.describe());
    }

    @Test
    void shouldIgnoreHeapsThatArePoolFiles()
    {
        final DeviceRanges ranges = new DeviceRanges(8 * MIB, List.of(ClusterPaths.heapName(0x5000_0000_0000L, MIB, 3)));
        assertEquals(0, ranges.usedBytes());
        assertEquals(PoolDevice.DATA_START, ranges.firstFit(6 * MIB));
        assertEquals(1, ranges.freeRanges());
    }
}
