package io.rpcool.sandbox.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.FunctionOptions;
import io.rpcool.Rpcool;
import io.rpcool.TestDirs;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.sandbox.Sandbox;
import io.rpcool.sandbox.SandboxBody;
import io.rpcool.sandbox.Sandboxes;

/**
 * Sandbox micro-benchmarks in one JVM, written as the bench module's JSON records
 * ({@code {"header": {...}, "records": [{"case", "system", "metric", "value", "unit"}]}}):
 * <ul>
 *   <li>{@code sandbox-enter-exit}: an empty body in a sandbox, per enter+exit, for a cached
 *   sandbox over 1 page and over 1024 pages, 8 cached sandboxes in turn, and 32 sandboxes in turn
 *   (more than the 14 keys: every entry reassigns a key), beside the empty body without a
 *   sandbox;</li>
 *   <li>{@code sandbox-noop-rtt}: a no-op call to a sandboxed function (its region a one-page RPC
 *   buffer) and to the same function unsandboxed, client and server in this JVM.</li>
 * </ul>
 * Every case runs twice and the second round is recorded (the first warms up the JIT and assigns
 * keys). Batches of {@code --ops} operations are timed with one {@code System.nanoTime()} pair each;
 * {@code p50}/{@code p99} are over the per-operation means of {@code --batches} batches. The system
 * name carries the provider ({@code mpk} or {@code bounded}); {@code --label emulated} marks
 * figures taken in an emulated guest (qemu TCG flushes its TLB on every PKRU write: such
 * figures say nothing about real hardware).
 * <p>
 * args: [--ops N] [--batches N] [--warmup N] [--label L] [--out FILE]; also prints the JSON on
 * one line starting {@code bench-json: }.
 */
public final class SandboxBench
{
    private static final long PAGE = 4096;
    private static final SandboxBody<Object> EMPTY = sb -> null;

    private final int ops;
    private final int batches;
    private final int warmup;
    private final String label;
    private final List<String> records = new ArrayList<>();
    private boolean recording;

    private SandboxBench(final int ops, final int batches, final int warmup, final String label)
    {
        this.ops = ops;
        this.batches = batches;
        this.warmup = warmup;
        this.label = label;
    }

    @FunctionalInterface
    interface Op
    {
        void run(int i) throws Exception;
    }

    public static void main(final String[] args) throws Exception
    {
        int ops = 20_000;
        int batches = 15;
        int warmup = 100_000;
        String label = "";
        Path out = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--label" -> label = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new SandboxBench(ops, batches, warmup, label).run(out);
    }

    private void run(final Path out) throws Exception
    {
        final Path dir = TestDirs.fresh("sandbox-bench");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).heapSize(16L << 20)))
        {
            final Channel ch = rpc.openChannel("/bench/sandbox", ChannelOptions.defaults());
            ch.register(1, call -> { }, FunctionOptions.defaults().sandboxed(true));
            ch.register(2, call -> { });
            try (Connection conn = rpc.connect("/bench/sandbox"); ClientCall call = conn.newCall(1))
            {
                final long block = conn.heap().allocate(1100 * PAGE);
                final long first = (block + PAGE - 1) & -PAGE;
                final MemoryRegion onePage = new MemoryRegion("1-page", first, PAGE);
                final MemoryRegion manyPages = new MemoryRegion("1024-pages", first + 2 * PAGE, 1024 * PAGE);
                final Sandbox one = Sandbox.over(onePage);
                final Sandbox many = Sandbox.over(manyPages);
                final Sandbox[] eight = new Sandbox[8];
                final Sandbox[] thirtyTwo = new Sandbox[32];
                for (int i = 0; i < 32; i++)
                {
                    final MemoryRegion r = new MemoryRegion("page-" + i, first + (1030 + 2 * i) * PAGE, PAGE);
                    thirtyTwo[i] = Sandbox.over(r);
                    if (i < 8)
                    {
                        eight[i] = thirtyTwo[i];
                    }
                }
                final String provider = Sandboxes.provider().name();
                final String enterExit = "sandbox-enter-exit";
                final RpcBuffer buffer = conn.createBuffer(PAGE - 64);
                call.request().putLong(0, buffer.address());
                // Round 0 warms every case up (JIT, key assignment); round 1 is recorded.
                for (int round = 0; round < 2; round++)
                {
                    recording = round == 1;
                    measure(enterExit, "no-sandbox", i -> EMPTY.apply(null));
                    measure(enterExit, provider + "-cached-1-page", i -> one.call(EMPTY));
                    measure(enterExit, provider + "-cached-1024-pages", i -> many.call(EMPTY));
                    measure(enterExit, provider + "-8-cached", i -> eight[i & 7].call(EMPTY));
                    measure(enterExit, provider + "-32-uncached", i -> thirtyTwo[i & 31].call(EMPTY));
                    measure("sandbox-noop-rtt", "rpcool-shm-inprocess", i -> call.functionId(2).invoke(8));
                    measure("sandbox-noop-rtt", "rpcool-shm-inprocess-" + provider + "-sandboxed",
                        i -> call.functionId(1).invoke(8));
                }
                System.out.println("bench: " + Sandboxes.status());
            }
        }
        final String json = json();
        System.out.println("bench-json: " + json);
        if (out != null)
        {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
        }
    }

    private void measure(final String caseName, final String system, final Op op) throws Exception
    {
        for (int i = 0; i < warmup; i++)
        {
            op.run(i);
        }
        final double[] perOp = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            final long start = System.nanoTime();
            for (int i = 0; i < ops; i++)
            {
                op.run(i);
            }
            perOp[b] = (System.nanoTime() - start) / (double)ops;
        }
        if (!recording)
        {
            return;
        }
        Arrays.sort(perOp);
        final double p50 = perOp[batches / 2];
        final double p99 = perOp[Math.min(batches - 1, (int)Math.ceil(batches * 0.99) - 1)];
        final String sys = label.isEmpty() ? system : system + " (" + label + ")";
        records.add(record(caseName, sys, "p50", p50));
        records.add(record(caseName, sys, "p99", p99));
        System.out.printf(Locale.ROOT, "bench: %-20s %-45s p50 %10.1f ns  p99 %10.1f ns (batch means)%n", caseName, sys, p50, p99);
        System.out.flush();
    }

    private static String record(final String caseName, final String system, final String metric, final double value)
    {
        return String.format(Locale.ROOT, "{\"case\": \"%s\", \"system\": \"%s\", \"metric\": \"%s\", \"value\": %.1f, \"unit\": \"ns\"}",
            caseName, system, metric, value);
    }

    private String json() throws IOException
    {
        final String header = String.format(Locale.ROOT,
            "{\"suite\": \"sandbox\", \"jdk\": \"%s\", \"vm\": \"%s %s\", \"cores\": %d, \"date\": \"%s\", \"label\": \"%s\", " +
            "\"emulated\": %b, \"ops_per_batch\": %d, \"batches\": %d, \"warmup_ops\": %d, \"provider\": \"%s\"}",
            System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
            Runtime.getRuntime().availableProcessors(), Instant.now(), label, label.contains("emulated"), ops, batches, warmup,
            Sandboxes.status().replace("\"", "'"));
        return "{\"header\": " + header + ", \"records\": [" + String.join(", ", records) + "]}";
    }
}
