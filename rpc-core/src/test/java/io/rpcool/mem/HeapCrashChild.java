package io.rpcool.mem;

import org.agrona.BufferUtil;

import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Second process of {@link HeapCrashTest}: maps the heap file, attaches, and allocates and frees in
 * a loop until it is killed. Prints READY once it is in full swing.
 */
public final class HeapCrashChild
{
    private HeapCrashChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String path = args[0];
        final long seed = Long.parseLong(args[1]);
        try (RandomAccessFile file = new RandomAccessFile(path, "rw"))
        {
            final MappedByteBuffer mapped = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, file.length());
            final MemoryRegion region = new MemoryRegion("child", BufferUtil.address(mapped), file.length());
            final HeapAllocator heap = HeapAllocator.attach(region);
            final RegionSet r = heap.regions();
            final SplittableRandom random = new SplittableRandom(seed);
            final List<long[]> live = new ArrayList<>();
            long operations = 0;
            while (true)
            {
                if (live.size() > 200 || (!live.isEmpty() && random.nextBoolean()))
                {
                    final long[] block = live.remove(random.nextInt(live.size()));
                    if (r.getLong(block[0]) != block[1])
                    {
                        System.out.println("CORRUPT 0x" + Long.toHexString(block[0]));
                        System.exit(3);
                    }
                    heap.free(block[0]);
                }
                else
                {
                    final int length = 8 + random.nextInt(random.nextInt(8) == 0 ? 20_000 : 300);
                    final long address = heap.allocate(length);
                    if (address != Allocator.NULL_ADDRESS)
                    {
                        final long stamp = random.nextLong();
                        r.putLong(address, stamp);
                        live.add(new long[]{ address, stamp });
                    }
                }
                if (++operations == 20_000)
                {
                    System.out.println("READY");
                    System.out.flush();
                }
                if (operations < 0)
                {
                    break;
                }
            }
            java.lang.ref.Reference.reachabilityFence(mapped);
        }
    }
}
