package io.rpcool;

import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.SplittableRandom;

/**
 * A hostile process of the same user: it maps a live connection heap of another process through
 * {@code /proc/<pid>/map_files} and writes garbage into the request queue (counters, sequence
 * words, entries) and the response lines, or replays old entries and lines, for a while.
 *
 * <p>args: pid, heap address, heap length, bytes to attack from the heap's start, duration ms, seed
 */
public final class CorrupterMain
{
    private CorrupterMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int pid = Integer.parseInt(args[0]);
        final long address = Long.parseLong(args[1]);
        final long length = Long.parseLong(args[2]);
        final int region = Integer.parseInt(args[3]);
        final long durationMs = Long.parseLong(args[4]);
        final SplittableRandom random = new SplittableRandom(Long.parseLong(args[5]));
        final String path = String.format("/proc/%d/map_files/%x-%x", pid, address, address + length);
        long writes = 0;
        try (RandomAccessFile file = new RandomAccessFile(path, "rw"); FileChannel channel = file.getChannel())
        {
            final MappedByteBuffer heap = channel.map(FileChannel.MapMode.READ_WRITE, 0, region);
            heap.order(ByteOrder.LITTLE_ENDIAN);
            System.out.println("ATTACKING " + path);
            final long end = System.currentTimeMillis() + durationMs;
            final byte[] saved = new byte[64];
            while (System.currentTimeMillis() < end)
            {
                final int at = 4096 + (random.nextInt(region - 4096 - 64) & ~7);
                switch (random.nextInt(4))
                {
                    case 0:
                        heap.putLong(at, random.nextLong());
                        break;
                    case 1:
                        // A plausible value: a neighbouring word plus a little.
                        heap.putLong(at, heap.getLong(at) + random.nextInt(-2, 3));
                        break;
                    case 2:
                        // Replay: remember a line now, write it back later.
                        heap.get(at & ~63, saved);
                        break;
                    default:
                        heap.put(at & ~63, saved);
                        break;
                }
                writes++;
                if ((writes & 63) == 0)
                {
                    Thread.sleep(1);
                }
            }
        }
        System.out.println("DONE " + writes);
    }
}
