package io.rpcool.bench.pool;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.PoolHeap;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.orchestrator.EmbeddedZooKeeper;
import io.rpcool.orchestrator.Orchestrator;
import io.rpcool.orchestrator.ZkControlPlane;

/**
 * The cluster pool's own operations, for a pool of one file per heap (a tmpfs directory) and for a
 * pool that is one device (a file of fixed size standing for it), against an in-process ZooKeeper
 * and orchestrator:
 * <ul>
 *   <li>{@code pool-allocate}: {@code createHeap} of a 2 MiB heap: the version-checked ZooKeeper
 *   transaction of address (and range), the creator's lease, and the memory (a new file; a range
 *   zeroed);</li>
 *   <li>{@code pool-free}: the last holder lets go and the orchestrator reclaims the heap (its
 *   version-checked delete, and the file's removal for a file pool);</li>
 *   <li>{@code pool-map-heap}: a process maps the heap at its address ({@code MAP_FIXED_NOREPLACE},
 *   from the range's start for a device), touches one page and unmaps it.</li>
 * </ul>
 * Writes JSON lines of {@code {case, system, metric, value, unit}} records ({@code p50} and
 * {@code p99} per operation) that {@code ./rpcool bench ops} includes; {@code --emulated} marks
 * figures taken in a qemu guest.
 * <p>
 * args: [--ops N] [--out FILE] [--emulated]
 */
public final class PoolOpsBench
{
    private static final long HEAP_BYTES = 2L * 1024 * 1024;
    private static final long MAP_ADDRESS = 0x5f00_0000_0000L;

    private PoolOpsBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int ops = 200;
        Path out = null;
        boolean emulated = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--emulated" -> emulated = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --ops N, --out FILE, --emulated)");
            }
        }
        final Path base = Files.createTempDirectory(Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"), "pool-bench-");
        final List<String> lines = new ArrayList<>();
        try
        {
            for (final boolean device : new boolean[] {false, true})
            {
                lines.addAll(run(base.resolve(device ? "device" : "files"), device, ops, emulated));
            }
        }
        finally
        {
            try (var files = Files.walk(base))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        final String text = String.join("\n", lines) + "\n";
        System.out.print(text);
        if (out != null)
        {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, text);
        }
    }

    private static List<String> run(final Path dir, final boolean device, final int ops, final boolean emulated) throws Exception
    {
        final Path pool = Files.createDirectories(dir.resolve("pool"));
        Path deviceFile = null;
        if (device)
        {
            deviceFile = dir.resolve("pool-device");
            try (RandomAccessFile f = new RandomAccessFile(deviceFile.toFile(), "rw"))
            {
                f.setLength(64L * 1024 * 1024);
            }
        }
        final String system = device ? "device-ranges" : "tmpfs-files";
        final long[] allocate = new long[ops];
        final long[] free = new long[ops];
        final long[] map = new long[ops];
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper("127.0.0.1", 0, dir.resolve("zk"), 100, 10_000);
            Orchestrator orchestrator = new Orchestrator("127.0.0.1:" + zk.port(), "/rpcool", "bench", pool, 60_000, 4000,
                deviceFile, 0);
            ZkControlPlane host = new ZkControlPlane("127.0.0.1:" + zk.port(), "/rpcool",
                new ClusterSettings("bench", pool, 4000, 0x5000_0000_0000L, 0x5e00_0000_0000L, 0, deviceFile), null))
        {
            host.start(ControlPlane.Listener.IGNORE);
            for (int i = 0; i < ops; i++)
            {
                final long t0 = System.nanoTime();
                final PoolHeap heap = host.createHeap(HEAP_BYTES, 1, "bench");
                final long t1 = System.nanoTime();
                SharedMemory.mapFixed(heap.fd(), MAP_ADDRESS, heap.length(), heap.offset());
                new UnsafeBuffer(MAP_ADDRESS, 4096).putLong(0, i);
                SharedMemory.unmap(MAP_ADDRESS, heap.length());
                final long t2 = System.nanoTime();
                SharedMemory.close(heap.fd());
                host.releaseLease(heap.address(), 1);
                if (!orchestrator.reclaimNow(heap.address()))
                {
                    throw new IllegalStateException(String.format("heap 0x%x was not reclaimed", heap.address()));
                }
                final long t3 = System.nanoTime();
                allocate[i] = t1 - t0;
                map[i] = t2 - t1;
                free[i] = t3 - t2;
            }
        }
        final List<String> lines = new ArrayList<>();
        final int skip = Math.min(ops / 5, 20);   // the first operations warm up the JIT and ZooKeeper
        lines.addAll(records("pool-allocate", system, allocate, skip, emulated));
        lines.addAll(records("pool-free", system, free, skip, emulated));
        lines.addAll(records("pool-map-heap", system, map, skip, emulated));
        return lines;
    }

    private static List<String> records(final String caseName, final String system, final long[] ns, final int skip,
        final boolean emulated)
    {
        final long[] sorted = Arrays.copyOfRange(ns, skip, ns.length);
        Arrays.sort(sorted);
        final List<String> out = new ArrayList<>();
        for (final String metric : List.of("p50", "p99"))
        {
            final double q = metric.equals("p50") ? 0.5 : 0.99;
            final long value = sorted[Math.min(sorted.length - 1, (int)Math.floor(q * sorted.length))];
            out.add(String.format(Locale.ROOT, "{\"case\":\"%s\",\"system\":\"%s\",\"metric\":\"%s\",\"value\":%d,\"unit\":\"ns\"%s}",
                caseName, system, metric, value, emulated ? ",\"emulated\":true" : ""));
        }
        return out;
    }
}
