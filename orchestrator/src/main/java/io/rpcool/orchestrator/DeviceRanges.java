package io.rpcool.orchestrator;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ranges of a pool device, as the heap set in ZooKeeper records them: every heap node of a
 * device pool names its range, so the free list is what the heap nodes leave over and needs no
 * state of its own. Allocation is first fit on 2 MiB boundaries ({@link PoolDevice#RANGE_ALIGNMENT}),
 * computed from one read of the heap set and committed with the heap node by the version-checked
 * transaction of {@link ZkHeaps}; a reclaim deletes the heap node the same way, and only then is
 * the range free again. Since the orchestrator reclaims a heap only once it has had no lease for the
 * reclaim delay, after its holders expired and fenced themselves, a range is never handed out twice
 * while a process maps it.
 *
 * <pre>
 *   0      2 MiB                                                            pool bytes
 *   |header|  heap A  |   free   |     heap B     | free |  heap C  |      free      |
 *           ^ offset A           ^ offset B               ^ offset C
 *   first fit of n bytes: the lowest free gap of at least align(n) bytes
 *   used = sum of ranges, free = pool bytes - DATA_START - used, largest free = widest gap
 * </pre>
 */
final class DeviceRanges
{
    private final TreeMap<Long, Long> used = new TreeMap<>();
    private final long poolBytes;

    /**
     * @param poolBytes  bytes of the device the pool uses.
     * @param heapNodes  the heap set's node names (heaps without a range are ignored).
     */
    DeviceRanges(final long poolBytes, final Collection<String> heapNodes)
    {
        this.poolBytes = poolBytes;
        for (final String n : heapNodes)
        {
            final long offset = ClusterPaths.heapOffset(n);
            if (offset >= 0)
            {
                used.put(offset, align(ClusterPaths.heapLength(n)));
            }
        }
    }

    static long align(final long length)
    {
        return (length + PoolDevice.RANGE_ALIGNMENT - 1) & ~(PoolDevice.RANGE_ALIGNMENT - 1);
    }

    /** Bytes heaps can use at most: the pool less the header's range. */
    long usableBytes()
    {
        return Math.max(0, poolBytes - PoolDevice.DATA_START);
    }

    /** The lowest free offset with {@code length} bytes (aligned up) free behind it, or -1. */
    long firstFit(final long length)
    {
        final long need = align(length);
        long candidate = PoolDevice.DATA_START;
        for (final Map.Entry<Long, Long> e : used.entrySet())
        {
            if (e.getKey() - candidate >= need)
            {
                break;
            }
            candidate = Math.max(candidate, e.getKey() + e.getValue());
        }
        return poolBytes - candidate >= need ? candidate : -1;
    }

    long usedBytes()
    {
        long sum = 0;
        for (final long l : used.values())
        {
            sum += l;
        }
        return sum;
    }

    long freeBytes()
    {
        return usableBytes() - usedBytes();
    }

    /** The widest free gap: what the largest heap that can still be created may take. */
    long largestFree()
    {
        long largest = 0;
        long at = PoolDevice.DATA_START;
        for (final Map.Entry<Long, Long> e : used.entrySet())
        {
            largest = Math.max(largest, e.getKey() - at);
            at = Math.max(at, e.getKey() + e.getValue());
        }
        return Math.max(largest, poolBytes - at);
    }

    /** Free gaps: more than one means the free space is fragmented. */
    int freeRanges()
    {
        int n = 0;
        long at = PoolDevice.DATA_START;
        for (final Map.Entry<Long, Long> e : used.entrySet())
        {
            n += e.getKey() > at ? 1 : 0;
            at = Math.max(at, e.getKey() + e.getValue());
        }
        return n + (poolBytes > at ? 1 : 0);
    }

    /** used, free, largest free and fragmentation, one line. */
    String describe()
    {
        final long free = freeBytes();
        final long largest = largestFree();
        return String.format("%d bytes used, %d free in %d ranges, largest free %d (fragmentation %d%%)", usedBytes(), free,
            freeRanges(), largest, free == 0 ? 0 : 100 - largest * 100 / free);
    }
}
