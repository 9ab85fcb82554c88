package io.rpcool.bench.ycsb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import io.rpcool.harness.machine.MachineInfo;
import io.rpcool.harness.machine.PlacementProbe;
import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.Record;
import io.rpcool.harness.report.ReportFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ycsb}: YCSB over every store of {@link YcsbStores} and every system it offers; writes
 * {@code <out>/ycsb.json}, {@code .md} and {@code .png}, logs in {@code <out>/tmp/ycsb/}. Exit codes
 * as the other suites: 0, 2 bad usage, 3 a system run failed (the others are still written).
 */
@Command(name = "ycsb", mixinStandardHelpOptions = true, sortOptions = false,
    description = "YCSB (workloads A-F, Zipfian) over Memcached (and the other stores) served over RPCool, UDS and TCP.")
public final class YcsbCommand implements Callable<Integer>
{
    static final String NOTE = "Absolute numbers on a shared 2-core VM are noisy; compare ratios between systems " +
        "measured in the same run.";

    @Option(names = "--quick", description = "Short run: 10,000 records, 50,000 operations per workload, 3 s warm-up.")
    boolean quick;

    @Option(names = "--records", paramLabel = "N", description = "Records loaded (default 100,000; quick 10,000).")
    Long records;

    @Option(names = "--operations", paramLabel = "N", description = "Operations per workload (default 1,000,000; quick 50,000).")
    Long operations;

    @Option(names = "--warmup-ms", paramLabel = "MS", description = "Warm-up of each client JVM before YCSB measures " +
        "(default 10,000; quick 3,000).")
    Long warmupMs;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
        description = "Several client threads: runs one thread and N (1: one only; default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--stores", paramLabel = "NAME", split = ",", description = "Stores to run (default: all).")
    List<String> stores;

    @Option(names = "--systems", paramLabel = "NAME", split = ",", description = "Systems to run (default: all of each store).")
    List<String> systems;

    @Option(names = "--workloads", paramLabel = "L", split = ",", description = "Workload letters (default: all of each store).")
    List<String> workloads;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "bench/results",
        description = "Directory for ycsb.json, .md and .png (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Override
    public Integer call() throws Exception
    {
        final long recordCount = records != null ? records : quick ? 10_000 : 100_000;
        final long ops = operations != null ? operations : quick ? 50_000 : 1_000_000;
        final long warmup = warmupMs != null ? warmupMs : quick ? 3_000 : 10_000;
        if (threads < 1 || recordCount < 1 || ops < 1)
        {
            System.err.println("--threads, --records and --operations must be positive");
            return 2;
        }
        final List<Integer> threadCounts = threads == 1 ? List.of(1) : List.of(1, threads);
        final YcsbRunner.Options options = new YcsbRunner.Options(recordCount, ops, warmup, threadCounts,
            warmup + 600_000 + ops / 5);
        Files.createDirectories(outDir);
        final Path logDir = outDir.resolve("tmp").resolve("ycsb");
        final YcsbRunner runner = new YcsbRunner(options, logDir, System.out);
        final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        final List<Record> all = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        for (final Supplier<YcsbStore> supplier : YcsbStores.ALL)
        {
            try (YcsbStore store = supplier.get())
            {
                if (stores != null && !stores.contains(store.name()))
                {
                    continue;
                }
                final List<String> sys = select(store.systems(), systems);
                final List<String> wl = select(store.workloads(), workloads);
                System.out.println("ycsb " + store.name() + ": systems " + sys + ", workloads " + wl + ", threads " +
                    threadCounts + ", " + recordCount + " records, " + ops + " operations, warm-up " + warmup + " ms; logs in " +
                    logDir);
                if (!sys.isEmpty() && !wl.isEmpty())
                {
                    all.addAll(runner.run(store, sys, wl, failures));
                }
            }
        }
        final String detail = String.format("%,d records, %,d operations per workload, Zipfian (D: latest), records of ten " +
            "100-byte fields read and written whole; each client JVM warms up for %,d ms before YCSB measures; " +
            "server: one event loop thread (memcached: -t 1).", recordCount, ops, warmup);
        final Header header = new Header("ycsb", System.getProperty("java.version"), MachineInfo.vm(), MachineInfo.cpuModel(),
            Runtime.getRuntime().availableProcessors(), date, quick, 1, threads, "uds", 0L, PlacementProbe.FAR_THRESHOLD_NS,
            List.of(), NOTE + " " + detail);
        final BenchReport report = new BenchReport(header, all);
        ReportFiles.write(report, YcsbReportWriter.markdown(report, threadCounts, detail), YcsbReportWriter::chart, outDir);
        if (!failures.isEmpty())
        {
            System.err.println(failures.size() + " system run(s) failed: " + failures);
            return 3;
        }
        return 0;
    }

    private static List<String> select(final List<String> offered, final List<String> wanted)
    {
        return wanted == null ? offered : offered.stream().filter(wanted::contains).toList();
    }
}
