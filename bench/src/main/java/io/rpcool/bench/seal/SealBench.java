package io.rpcool.bench.seal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.MprotectSealBackend;
import io.rpcool.seal.SealMode;
import io.rpcool.seal.kmod.KernelSealBackend;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.seal.kmod.RpcoolModule;

/**
 * Seal benchmarks, a self-contained harness (no JMH here): the costs of the seal operations
 * themselves, and round trips between two JVMs with and without sealing, including the
 * copy-versus-seal sweep that gives {@link io.rpcool.seal.SealPolicy}'s crossover.
 *
 * <pre>
 *  micro (this JVM, one heap, sender and receiver attachments):
 *    seal-release-1page      seal one page, complete it, release it            ns per buffer
 *    seal-release-1024pages  the same for a 4 MiB range
 *    release-unbatched       1024 completed one-page seals released one by one  ns per seal
 *    release-batched         ... released with one call (BATCH_RELEASE / one mprotect)
 *    copy-vs-seal-SIZE       copying SIZE bytes into private memory vs sealing their pages
 *                            (seal, complete, release; and with batched release), the sender
 *                            rewriting one long per page each time: the policy's crossover
 *                            without scheduling noise
 *  rpc (a server JVM embedding the daemon, SealBenchServer, this JVM as client, one call outstanding):
 *    noop-rtt                unsealed, copy, sealed (release before the next call), sealed with
 *                            batched release (all slots in rotation, 16 by default)
 *    copy-vs-seal-rtt-SIZE   the handler sums the request; the client touches every page of it
 *                            before each call; copied by the server vs sealed (both release modes).
 *                            connection of 16 slots (--slots) with buffers of the largest size;
 *                            both ends spin (rpcool.idle, default spin)
 * </pre>
 *
 * Records follow the bench module's JSON shape ({@code case, system, metric, value, unit}) plus
 * {@code emulated} (true inside the software-emulated test VM, where timings only show relative
 * orders of magnitude). Round-trip figures are medians over rounds of each case's p50; cases are
 * interleaved within a round.
 *
 * <p>args: [--backend mprotect|kernel] [--quick] [--emulated] [--rounds N] [--calls N] [--sizes a,b,..]
 * [--slots N] [--out FILE] [--skip-rpc] [--skip-micro] [-- server JVM options...]
 */
public final class SealBench
{
    static final int PAGE = 4096;
    static final long MICRO_ADDRESS = 0x5F00_0000_0000L;
    static final int[] SIZES = {256, 1024, 4096, 16384, 65536, 262144, 524288, 1048576, 2097152, 4194304};
    static final int[] QUICK_SIZES = {256, 4096, 65536};

    private final List<String> records = new ArrayList<>();
    private final List<String> table = new ArrayList<>();
    private final boolean emulated;
    private final String backend;

    private SealBench(final String backend, final boolean emulated)
    {
        this.backend = backend;
        this.emulated = emulated;
    }

    public static void main(final String[] args) throws Exception
    {
        String backend = RpcoolModule.isAvailable() ? KernelSealBackend.NAME : MprotectSealBackend.NAME;
        boolean quick = false;
        boolean emulated = false;
        boolean skipRpc = false;
        boolean skipMicro = false;
        int rounds = 3;
        int calls = -1;
        String out = null;
        int[] sizes = null;
        int slots = 16;
        final List<String> serverFlags = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--backend": backend = args[++i]; break;
                case "--quick": quick = true; break;
                case "--emulated": emulated = true; break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--calls": calls = Integer.parseInt(args[++i]); break;
                case "--out": out = args[++i]; break;
                case "--sizes": sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray(); break;
                case "--slots": slots = Integer.parseInt(args[++i]); break;
                case "--skip-rpc": skipRpc = true; break;
                case "--skip-micro": skipMicro = true; break;
                case "--":
                    serverFlags.addAll(Arrays.asList(args).subList(i + 1, args.length));
                    i = args.length;
                    break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final SealBench bench = new SealBench(backend, emulated);
        System.out.printf("seal bench: backend %s%s, load average %s%n", backend, emulated ? " (emulated guest: timings are not real)" : "",
            Files.readString(Path.of("/proc/loadavg")).trim());
        if (!skipMicro)
        {
            bench.micro(quick);
        }
        if (!skipRpc)
        {
            bench.rpc(quick, rounds, calls, sizes != null ? sizes : quick ? QUICK_SIZES : SIZES, slots, serverFlags);
        }
        final String json = "{\"backend\": \"" + backend + "\", \"emulated\": " + emulated + ", \"loadavg\": \"" +
            Files.readString(Path.of("/proc/loadavg")).trim() + "\", \"java\": \"" + System.getProperty("java.version") +
            "\", \"records\": [\n  " + String.join(",\n  ", bench.records) + "\n]}\n";
        if (out != null)
        {
            Files.writeString(Path.of(out), json);
            System.out.println("seal bench: wrote " + out);
        }
        if (emulated)
        {
            for (final String r : bench.records)
            {
                System.out.println("BENCH " + r);
            }
        }
        System.exit(0);
    }

    private void line(final String text)
    {
        table.add(text);
        System.out.println(text);
        System.out.flush();
    }

    private void record(final String caseName, final String system, final String metric, final double value, final String unit)
    {
        records.add(String.format(Locale.ROOT, "{\"case\": \"%s\", \"system\": \"%s\", \"metric\": \"%s\", \"value\": %.1f, " +
            "\"unit\": \"%s\", \"emulated\": %s}", caseName, system, metric, value, unit, emulated));
    }

    // ------------------------------------------------------------------------------------------ micro

    private void micro(final boolean quick)
    {
        final int n = 1024;
        try (MicroHeap heap = MicroHeap.open(backend, n))
        {
            final HeapSeals s = heap.sender();
            final long base = heap.dataOffset();
            final String system = "rpcool-" + backend;
            // One page and 1024 pages: seal, complete (receiver), release.
            final int[] pageCounts = {1, n};
            for (final int pages : pageCounts)
            {
                final int iterations = quick ? (pages == 1 ? 300 : 20) : (pages == 1 ? 20_000 : 2_000);
                final double[] perOp = new double[5];
                for (int rep = -1; rep < perOp.length; rep++)
                {
                    final long t0 = System.nanoTime();
                    for (int i = 0; i < iterations; i++)
                    {
                        final long id = s.seal(base, (long)pages * PAGE);
                        heap.complete(id);
                        s.release(id);
                    }
                    if (rep >= 0)
                    {
                        perOp[rep] = (System.nanoTime() - t0) / (double)iterations;
                    }
                }
                final double median = median(perOp);
                final String caseName = "seal-release-" + pages + (pages == 1 ? "page" : "pages");
                record(caseName, system, "mean", median, "ns");
                line(String.format(Locale.ROOT, "%-28s %-22s %12.0f ns per seal+complete+release", caseName, system, median));
            }
            // 1024 one-page seals, completed, released one by one or in one batch.
            final long[] ids = new long[n];
            final int rounds = quick ? 2 : 20;
            final double[] sealCost = new double[rounds];
            final double[] single = new double[rounds];
            final double[] batched = new double[rounds];
            for (int r = -1; r < rounds; r++)
            {
                for (final boolean batch : new boolean[] {false, true})
                {
                    final long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++)
                    {
                        ids[i] = s.seal(base + (long)i * PAGE, PAGE);
                    }
                    final long t1 = System.nanoTime();
                    for (int i = 0; i < n; i++)
                    {
                        heap.complete(ids[i]);
                    }
                    final long t2 = System.nanoTime();
                    if (batch)
                    {
                        s.release(ids, n);
                    }
                    else
                    {
                        for (int i = 0; i < n; i++)
                        {
                            s.release(ids[i]);
                        }
                    }
                    final long t3 = System.nanoTime();
                    if (r >= 0)
                    {
                        (batch ? batched : single)[r] = (t3 - t2) / (double)n;
                        if (!batch)
                        {
                            sealCost[r] = (t1 - t0) / (double)n;
                        }
                    }
                }
            }
            record("seal-1page-of-1024", system, "mean", median(sealCost), "ns");
            record("release-unbatched", system, "mean", median(single), "ns");
            record("release-batched-1024", system, "mean", median(batched), "ns");
            line(String.format(Locale.ROOT, "%-28s %-22s %12.0f ns per seal", "seal-1page-of-1024", system, median(sealCost)));
            line(String.format(Locale.ROOT, "%-28s %-22s %12.0f ns per seal", "release-unbatched", system, median(single)));
            line(String.format(Locale.ROOT, "%-28s %-22s %12.0f ns per seal (%.1fx fewer)", "release-batched-1024", system,
                median(batched), median(single) / median(batched)));
            copyVersusSeal(heap, quick, system);
        }
    }

    /**
     * The receiver's copy of {@code size} bytes into private memory against sealing the pages that
     * hold them (seal, complete, release; unbatched, and with the release batched over the other
     * buffers of the heap), in this thread: the crossover without scheduling noise.
     */
    private void copyVersusSeal(final MicroHeap heap, final boolean quick, final String system)
    {
        final HeapSeals s = heap.sender();
        final long base = heap.dataOffset();
        final int maxSize = 1024 * PAGE;
        final UnsafeBuffer source = new UnsafeBuffer(MICRO_ADDRESS + base, maxSize);
        final UnsafeBuffer target = new UnsafeBuffer(org.agrona.BufferUtil.allocateDirectAligned(maxSize, 64));
        final int[] sizes = quick ? new int[] {256, 4096, 65536, 1048576} :
            new int[] {256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304};
        final long[] ids = new long[1024];
        final double[] copyNs = new double[sizes.length];
        final double[] sealNs = new double[sizes.length];
        final double[] batchNs = new double[sizes.length];
        final long budgetNs = quick ? 20_000_000L : 100_000_000L;
        for (int k = 0; k < sizes.length; k++)
        {
            final int size = sizes[k];
            final int pages = (size + PAGE - 1) / PAGE;
            final int buffers = 1024 / pages;
            final double[] copy = new double[5];
            final double[] seal = new double[5];
            final double[] batch = new double[5];
            for (int rep = -1; rep < copy.length; rep++)
            {
                long n = 0;
                long t0 = System.nanoTime();
                long t;
                do
                {
                    // The sender rewrites one long per page, as a caller writing its next request would.
                    for (int off = 0; off < size; off += PAGE)
                    {
                        source.putLong(off, n);
                    }
                    target.putBytes(0, source, 0, size);
                    n++;
                }
                while ((t = System.nanoTime()) - t0 < budgetNs);
                final double copyPer = (t - t0) / (double)n;
                n = 0;
                t0 = System.nanoTime();
                do
                {
                    for (int off = 0; off < size; off += PAGE)
                    {
                        source.putLong(off, n);
                    }
                    final long id = s.seal(base, (long)pages * PAGE);
                    heap.complete(id);
                    s.release(id);
                    n++;
                }
                while ((t = System.nanoTime()) - t0 < budgetNs);
                final double sealPer = (t - t0) / (double)n;
                n = 0;
                t0 = System.nanoTime();
                do
                {
                    for (int b = 0; b < buffers; b++)
                    {
                        for (int off = 0; off < size; off += PAGE)
                        {
                            source.putLong(b * pages * PAGE + off, n);
                        }
                        ids[b] = s.seal(base + (long)b * pages * PAGE, (long)pages * PAGE);
                        heap.complete(ids[b]);
                    }
                    s.release(ids, buffers);
                    n += buffers;
                }
                while ((t = System.nanoTime()) - t0 < budgetNs);
                final double batchPer = (t - t0) / (double)n;
                if (rep >= 0)
                {
                    copy[rep] = copyPer;
                    seal[rep] = sealPer;
                    batch[rep] = batchPer;
                }
            }
            copyNs[k] = median(copy);
            sealNs[k] = median(seal);
            batchNs[k] = median(batch);
            record("copy-" + size, system, "mean", copyNs[k], "ns");
            record("seal-release-" + size, system, "mean", sealNs[k], "ns");
            record("seal-release-batched-" + size, system, "mean", batchNs[k], "ns");
            line(String.format(Locale.ROOT, "%-28s %-22s copy %9.0f ns  seal+release %9.0f ns  with batched release %9.0f ns",
                "copy-vs-seal-" + size, system, copyNs[k], sealNs[k], batchNs[k]));
        }
        int crossUnbatched = -1;
        int crossBatched = -1;
        boolean unbatchedHolds = true;
        boolean batchedHolds = true;
        for (int k = sizes.length - 1; k >= 0; k--)
        {
            unbatchedHolds &= sealNs[k] <= copyNs[k];
            batchedHolds &= batchNs[k] <= copyNs[k];
            crossUnbatched = unbatchedHolds ? sizes[k] : crossUnbatched;
            crossBatched = batchedHolds ? sizes[k] : crossBatched;
        }
        record("copy-vs-seal-crossover-micro", system, "bytes", crossUnbatched, "bytes");
        record("copy-vs-seal-crossover-micro", system + "-batched", "bytes", crossBatched, "bytes");
        line(String.format(Locale.ROOT, "%-28s %-22s sealing wins from %s (release batched: from %s)", "copy-vs-seal-crossover-micro",
            system, crossUnbatched < 0 ? "no measured size" : crossUnbatched + " bytes",
            crossBatched < 0 ? "no measured size" : crossBatched + " bytes"));
    }

    // -------------------------------------------------------------------------------------------- rpc

    private void rpc(final boolean quick, final int rounds, final int callsOption, final int[] sizes, final int slots,
        final List<String> serverFlags) throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "rpcool-seal-bench-");
        final List<String> flags = new ArrayList<>(serverFlags);
        flags.add("-Drpcool.seal.backend=" + backend);
        // Both ends wait the same way, whatever the host's load (default: spin).
        final String idle = io.rpcool.config.Setting.IDLE.string("spin");
        flags.add("-Drpcool.idle=" + idle);
        final int calls = callsOption > 0 ? callsOption : quick ? 200 : 50_000;
        final List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        jvm.addAll(flags);
        try (ChildJvm server = ChildJvm.builder(SealBenchServer.class).jvmFlags(jvm).args(dir.toString()).start())
        {
            server.awaitLine("READY", 300_000);
            final RpcoolContext ctx = new RpcoolContext().directory(dir).daemonMode(RpcoolContext.DaemonMode.EXTERNAL)
                .processName("seal-bench").idleMode(RpcoolContext.IdleMode.valueOf(idle.toUpperCase(Locale.ROOT).replace('-', '_')));
            final int bufferSize = Arrays.stream(sizes).max().getAsInt();
            try (Rpcool rpc = Rpcool.launch(ctx);
                Connection conn = rpc.connect(SealBenchServer.CHANNEL, ConnectOptions.defaults().slots(slots).bufferSize(bufferSize)))
            {
                if (!backend.equals(rpc.sealBackend()))
                {
                    throw new IllegalStateException("the daemon uses the " + rpc.sealBackend() + " backend, not " + backend);
                }
                final ClientCall[] ring = new ClientCall[slots];
                for (int i = 0; i < ring.length; i++)
                {
                    ring[i] = conn.newCall(SealBenchServer.NOOP);
                }
                final String sealed = "rpcool-shm-sealed-" + backend;
                final String batched = "rpcool-shm-sealed-batched-" + backend;
                final Map<String, double[]> p50 = new LinkedHashMap<>();
                final Map<String, double[]> p99 = new LinkedHashMap<>();
                final String[] noop = {"rpcool-shm", "rpcool-shm-copy", sealed, batched};
                for (int r = 0; r < rounds; r++)
                {
                    for (int k = 0; k < noop.length; k++)
                    {
                        final String system = noop[(k + r) % noop.length];
                        final double[] result = rtt(ring, system.startsWith("rpcool-shm-sealed-batched") ? ring.length : 1,
                            modeOf(system), SealBenchServer.NOOP, 0, calls);
                        p50.computeIfAbsent("noop-rtt|" + system, x -> new double[rounds])[r] = result[0];
                        p99.computeIfAbsent("noop-rtt|" + system, x -> new double[rounds])[r] = result[1];
                    }
                    for (final int size : sizes)
                    {
                        final String[] systems = {"rpcool-shm-copy", sealed, batched};
                        for (int k = 0; k < systems.length; k++)
                        {
                            final String system = systems[(k + r) % systems.length];
                            final double[] result = rtt(ring, system.startsWith("rpcool-shm-sealed-batched") ? ring.length : 1,
                                modeOf(system), SealBenchServer.CHECKSUM, size, Math.max(Math.min(calls, calls * 4096 / size), 100));
                            p50.computeIfAbsent("copy-vs-seal-rtt-" + size + "|" + system, x -> new double[rounds])[r] = result[0];
                            p99.computeIfAbsent("copy-vs-seal-rtt-" + size + "|" + system, x -> new double[rounds])[r] = result[1];
                        }
                    }
                }
                for (final Map.Entry<String, double[]> e : p50.entrySet())
                {
                    final String[] key = e.getKey().split("\\|");
                    record(key[0], key[1], "p50", median(e.getValue()), "ns");
                    record(key[0], key[1], "p99", median(p99.get(e.getKey())), "ns");
                    line(String.format(Locale.ROOT, "%-28s %-34s p50 %9.0f ns  p99 %9.0f ns", key[0], key[1],
                        median(e.getValue()), median(p99.get(e.getKey()))));
                }
                for (final String system : new String[] {sealed, batched})
                {
                    int crossover = -1;
                    for (int i = sizes.length - 1; i >= 0; i--)
                    {
                        final double copy = median(p50.get("copy-vs-seal-rtt-" + sizes[i] + "|rpcool-shm-copy"));
                        final double seal = median(p50.get("copy-vs-seal-rtt-" + sizes[i] + "|" + system));
                        if (seal <= copy)
                        {
                            crossover = sizes[i];
                        }
                        else
                        {
                            break;
                        }
                    }
                    record("copy-vs-seal-crossover", system, "bytes", crossover, "bytes");
                    line(String.format(Locale.ROOT, "%-28s %-34s sealing wins from %s", "copy-vs-seal-crossover", system,
                        crossover < 0 ? "no measured size" : crossover + " bytes"));
                }
                for (final ClientCall c : ring)
                {
                    c.releaseSeal();
                    c.close();
                }
            }
        }
        finally
        {
            Files.deleteIfExists(dir.resolve("daemon.lock"));
            Files.deleteIfExists(dir.resolve("daemon.sock"));
            Files.deleteIfExists(dir);
        }
    }

    private static SealMode modeOf(final String system)
    {
        if (system.endsWith("-copy"))
        {
            return SealMode.COPY;
        }
        return system.contains("-sealed-") ? SealMode.SEAL : SealMode.NONE;
    }

    /**
     * Time {@code calls} round trips, one outstanding, rotating over the first {@code slots} calls.
     *
     * @return p50 and p99 in ns.
     */
    private static double[] rtt(final ClientCall[] ring, final int slots, final SealMode mode, final int function, final int size,
        final int calls)
    {
        for (int i = 0; i < slots; i++)
        {
            ring[i].releaseSeal();
            ring[i].functionId(function).sealMode(mode);
        }
        final long[] times = new long[calls];
        // At most about a second per case (half of it warming up), however slow the machine is.
        final long warmupEnd = System.nanoTime() + 500_000_000L;
        final long end = warmupEnd + 1_000_000_000L;
        int measured = 0;
        for (int i = -calls / 2; i < calls; i++)
        {
            if (i < 0 && System.nanoTime() > warmupEnd)
            {
                i = -1;
                continue;
            }
            if (i >= 100 && System.nanoTime() > end)
            {
                break;
            }
            final ClientCall c = ring[(i + calls) % slots];
            final long t0 = System.nanoTime();
            if (size > 0)
            {
                final org.agrona.MutableDirectBuffer request = c.request();
                for (int off = 0; off < size; off += PAGE)
                {
                    request.putLong(off, i);
                }
            }
            c.invoke(size);
            final long t = System.nanoTime() - t0;
            if (i >= 0)
            {
                times[i] = t;
                measured = i + 1;
            }
        }
        Arrays.sort(times, 0, measured);
        return new double[] {times[measured / 2], times[(int)(measured * 0.99)]};
    }

    private static double median(final double[] values)
    {
        final double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
