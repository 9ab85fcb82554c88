package io.rpcool.bench.sandbox;

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
import io.rpcool.RpcoolContext;
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
 *   buffer) and to the same function unsandboxed, client and server in one JVM, in alternating
 *   batches.</li>
 * </ul>
 * Each case runs in a JVM of its own ({@code --one-jvm}: all in this one, as in the emulated guest
 * where starting a JVM takes a minute and the figures are far above JIT effects).
 * Every case runs {@code --rounds} times (default 3) and the last round is recorded (the first
 * ones warm up the JIT and assign keys). Batches of {@code --ops} operations are timed with one {@code System.nanoTime()} pair each;
 * {@code p50}/{@code p99} are over the per-operation means of {@code --batches} batches. The system
 * name carries the provider ({@code mpk} or {@code bounded}); {@code --label emulated} marks
 * figures taken in an emulated guest (qemu TCG flushes its TLB on every PKRU write: such
 * figures say nothing about real hardware).
 * <p>
 * args: [--ops N] [--batches N] [--warmup N] [--rounds N] [--label L] [--one-jvm] [--out FILE]; also prints the JSON on
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
    private String only;
    private String providerStatus = "";
    private static final String ALL = "*";
    /** Cases, each run in a JVM of its own unless {@code --one-jvm}. */
    static final String[] CASES = {"none", "cached-1-page", "cached-1024-pages", "8-cached", "32-uncached", "rtt"};
    private int rounds = 3;

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
        int rounds = 3;
        int ops = 20_000;
        int batches = 15;
        int warmup = 100_000;
        String label = "";
        String only = null;
        Path out = null;
        final List<String> passOn = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--label" -> label = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--case" -> only = args[++i];
                case "--one-jvm" -> only = ALL;
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if ("--one-jvm".equals(args[i]))
            {
                continue;
            }
            if (!"--case".equals(args[i - 1]) && !"--out".equals(args[i - 1]))
            {
                passOn.add(args[i - 1]);
                passOn.add(args[i]);
            }
        }
        final SandboxBench bench = new SandboxBench(ops, batches, warmup, label);
        bench.rounds = Math.max(1, rounds);
        bench.only = only;
        if (only == null)
        {
            bench.fork(out, passOn);
        }
        else
        {
            bench.run();
            if (ALL.equals(only))
            {
                bench.finish(out);
            }
        }
    }

    private void run() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-sandbox-bench-");
        final RpcoolContext ctx = new RpcoolContext().directory(dir).idleMode(RpcoolContext.IdleMode.SPIN).callTimeoutMs(10_000);
        try (Rpcool rpc = Rpcool.launch(ctx.heapSize(16L << 20)))
        {
            final Channel ch = rpc.openChannel("/bench/sandbox", ChannelOptions.defaults());
            ch.register(1, call -> { }, FunctionOptions.defaults().sandboxed(true));
            ch.register(2, call -> { });
            try (Connection conn = rpc.connect("/bench/sandbox"); ClientCall call = conn.newCall(1);
                ClientCall sealedCall = conn.newCall(1).sealed(true))
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
                // The first rounds warm every case up (JIT, key assignment); the last is recorded.
                for (int round = 0; round < rounds; round++)
                {
                    recording = round == rounds - 1;
                    measure(CASES[0], enterExit, "no-sandbox", i -> EMPTY.apply(null));
                    measure(CASES[1], enterExit, provider + "-cached-1-page", i -> one.call(EMPTY));
                    measure(CASES[2], enterExit, provider + "-cached-1024-pages", i -> many.call(EMPTY));
                    measure(CASES[3], enterExit, provider + "-8-cached", i -> eight[i & 7].call(EMPTY));
                    measure(CASES[4], enterExit, provider + "-32-uncached", i -> thirtyTwo[i & 31].call(EMPTY));
                    // Plain and sandboxed calls in alternating batches, so that both see the
                    // same machine (placement, load, idle level).
                    measureAlternating(CASES[5], "sandbox-noop-rtt", "rpcool-shm-inprocess",
                        i -> call.functionId(2).invoke(8), "rpcool-shm-inprocess-" + provider + "-sandboxed",
                        i -> call.functionId(1).invoke(8));
                    // Sealed (this host's seal backend) and sandboxed, against plain calls again.
                    sealedCall.request().putLong(0, buffer.address());
                    measureAlternating(CASES[5], "sandbox-noop-rtt", "rpcool-shm-inprocess-plain-2",
                        i -> call.functionId(2).invoke(8), "rpcool-shm-inprocess-sealed-" + provider + "-sandboxed",
                        i -> sealedCall.invoke(8));
                }
                providerStatus = Sandboxes.status();
                System.out.println("status: " + providerStatus);
            }
        }
    }

    /** Run every case in a JVM of its own (as JMH forks do) and merge their records. */
    private void fork(final Path out, final List<String> passOn) throws Exception
    {
        String status = "";
        for (final String c : CASES)
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(SandboxBench.class.getName());
            command.add("--case");
            command.add(c);
            command.addAll(passOn);
            final Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (java.io.BufferedReader r = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    if (line.startsWith("record: "))
                    {
                        records.add(line.substring("record: ".length()));
                    }
                    else if (line.startsWith("status: "))
                    {
                        status = line.substring("status: ".length());
                    }
                    else
                    {
                        System.out.println(line);
                        System.out.flush();
                    }
                }
            }
            if (p.waitFor() != 0)
            {
                throw new IllegalStateException("case " + c + " failed with exit status " + p.exitValue());
            }
        }
        System.out.println("bench: " + status);
        providerStatus = status;
        finish(out);
    }

    private void finish(final Path out) throws IOException
    {
        final String json = json();
        System.out.println("bench-json: " + json);
        if (out != null)
        {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
        }
    }

    private void measure(final String key, final String caseName, final String system, final Op op) throws Exception
    {
        if (!selected(key))
        {
            return;
        }
        for (int i = 0; i < warmup; i++)
        {
            op.run(i);
        }
        final double[] perOp = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            perOp[b] = batch(op);
        }
        if (recording)
        {
            report(caseName, system, perOp);
        }
    }

    private void measureAlternating(final String key, final String caseName, final String systemA, final Op a,
        final String systemB, final Op b) throws Exception
    {
        if (!selected(key))
        {
            return;
        }
        for (int i = 0; i < warmup; i++)
        {
            a.run(i);
            b.run(i);
        }
        final double[] perOpA = new double[batches];
        final double[] perOpB = new double[batches];
        for (int n = 0; n < batches; n++)
        {
            perOpA[n] = batch(a);
            perOpB[n] = batch(b);
        }
        if (recording)
        {
            report(caseName, systemA, perOpA);
            report(caseName, systemB, perOpB);
        }
    }

    private boolean selected(final String key)
    {
        return ALL.equals(only) || key.equals(only);
    }

    private double batch(final Op op) throws Exception
    {
        final long start = System.nanoTime();
        for (int i = 0; i < ops; i++)
        {
            op.run(i);
        }
        return (System.nanoTime() - start) / (double)ops;
    }

    private void report(final String caseName, final String system, final double[] perOp)
    {
        Arrays.sort(perOp);
        final double p50 = perOp[batches / 2];
        final double p99 = perOp[Math.min(batches - 1, (int)Math.ceil(batches * 0.99) - 1)];
        final String sys = label.isEmpty() ? system : system + " (" + label + ")";
        emit(record(caseName, sys, "p50", p50));
        emit(record(caseName, sys, "p99", p99));
        System.out.printf(Locale.ROOT, "bench: %-20s %-45s p50 %10.1f ns  p99 %10.1f ns (batch means)%n", caseName, sys, p50, p99);
        System.out.flush();
    }

    /** A record: kept here when all cases run in this JVM, else handed to the parent on standard output. */
    private void emit(final String record)
    {
        if (ALL.equals(only))
        {
            records.add(record);
        }
        else
        {
            System.out.println("record: " + record);
        }
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
            providerStatus.replace("\"", "'"));
        return "{\"header\": " + header + ", \"records\": [" + String.join(", ", records) + "]}";
    }
}
