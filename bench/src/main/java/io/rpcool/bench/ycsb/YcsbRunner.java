package io.rpcool.bench.ycsb;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.harness.report.Record;

/**
 * Runs YCSB against one store: for each system and each client thread count, a fresh server (the
 * store starts it in its own process), one load phase, then the store's workloads in YCSB's order
 * (A, B, C, F, then D, which inserts; E before D where a store has it), each in a fresh client JVM
 * ({@link YcsbClientMain}: warm-up, then YCSB's {@code Client}).
 *
 * <p>Records: case {@code <store>-<letter>}, metrics {@code throughput} (ops/s), {@code p50} and
 * {@code p99} (us) for one client thread, and the same with a {@code -<n>t} suffix for n threads.
 */
public final class YcsbRunner
{
    public static final String THROUGHPUT = "throughput";
    public static final String P50 = "p50";
    public static final String P99 = "p99";
    public static final String US = "us";
    private static final List<String> ORDER = List.of("a", "b", "c", "f", "e", "d");
    private static final String CLIENT_HEAP = "-Xmx1g";

    /**
     * @param records    records loaded.
     * @param operations operations per workload run.
     * @param warmupMs   warm-up of each client JVM before YCSB measures.
     * @param threads    client thread counts, e.g. 1 and 4.
     * @param timeoutMs  deadline of one client JVM.
     */
    public record Options(long records, long operations, long warmupMs, List<Integer> threads, long timeoutMs)
    {
    }

    private final Options options;
    private final Path workDir;
    private final PrintStream log;

    public YcsbRunner(final Options options, final Path workDir, final PrintStream log)
    {
        this.options = options;
        this.workDir = workDir;
        this.log = log;
    }

    /** @return metric name for a thread count: {@code throughput} for one thread, {@code throughput-4t} for four. */
    public static String metric(final String base, final int threads)
    {
        return threads == 1 ? base : base + "-" + threads + "t";
    }

    /**
     * Run every selected system of one store.
     *
     * @param failures receives one line per failed system run.
     * @return the records of the runs that completed.
     */
    public List<Record> run(final YcsbStore store, final List<String> systems, final List<String> workloads,
        final List<String> failures)
    {
        final List<Record> records = new ArrayList<>();
        for (final int threads : options.threads())
        {
            for (final String system : systems)
            {
                final Path dir = workDir.resolve(store.name() + "-" + system + "-" + threads + "t");
                try
                {
                    records.addAll(runSystem(store, system, workloads, threads, dir));
                }
                catch (final Exception e)
                {
                    final String line = store.name() + " " + system + " (" + threads + " threads): " + e.getMessage();
                    log.println("FAILED " + line + " (logs in " + dir + ")");
                    failures.add(line);
                }
                finally
                {
                    store.close();
                }
            }
        }
        return records;
    }

    private List<Record> runSystem(final YcsbStore store, final String system, final List<String> workloads, final int threads,
        final Path dir) throws Exception
    {
        final List<Record> records = new ArrayList<>();
        final Properties storeProps = store.start(system, dir);
        final Properties loadProps = YcsbWorkloads.of(workloads.get(0), options.records(), options.operations());
        loadProps.putAll(storeProps);
        phase(store, loadProps, threads, dir, "load", true);
        for (final String letter : ORDER)
        {
            if (!workloads.contains(letter))
            {
                continue;
            }
            final Properties props = YcsbWorkloads.of(letter, options.records(), options.operations());
            props.putAll(storeProps);
            final YcsbMeasurements m = phase(store, props, threads, dir, letter, false);
            final String caseName = store.name() + "-" + letter;
            log.println(String.format(Locale.ROOT, "  %-14s %-16s %2d thread(s): %,10.0f ops/s  p50 %6.1f us  p99 %7.1f us%s",
                caseName, system, threads, m.throughput(), m.p50Us(), m.p99Us(),
                m.failed() > 0 ? "  (" + m.failed() + " not OK)" : ""));
            if (m.failed() * 100 > m.operations())
            {
                throw new IOException(caseName + ": " + m.failed() + " of " + m.operations() + " operations failed");
            }
            records.add(new Record(caseName, system, metric(THROUGHPUT, threads), m.throughput(), Record.OPS_PER_S_UNIT));
            records.add(new Record(caseName, system, metric(P50, threads), m.p50Us(), US));
            records.add(new Record(caseName, system, metric(P99, threads), m.p99Us(), US));
        }
        return records;
    }

    private YcsbMeasurements phase(final YcsbStore store, final Properties props, final int threads, final Path dir,
        final String name, final boolean load) throws IOException
    {
        final Path phaseDir = Files.createDirectories(dir.resolve(name));
        props.setProperty("db", store.dbClassName());
        props.setProperty("threadcount", Integer.toString(threads));
        props.setProperty("measurementtype", "hdrhistogram");
        props.setProperty("hdrhistogram.fileoutput", "true");
        props.setProperty("hdrhistogram.output.path", phaseDir + "/");
        props.setProperty("hdrhistogram.percentiles", "50,99");
        props.setProperty("exporter", "site.ycsb.measurements.exporter.JSONArrayMeasurementsExporter");
        props.setProperty("exportfile", phaseDir.resolve("export.json").toString());
        final Path file = phaseDir.resolve("ycsb.properties");
        try (Writer out = Files.newBufferedWriter(file))
        {
            props.store(out, "YCSB " + name + " of " + store.name());
        }
        try (ChildJvm client = ChildJvm.builder(YcsbClientMain.class).name("ycsb-" + name)
            .jvmFlags(CLIENT_HEAP)
            .stderrTo(phaseDir.resolve("client.stderr"))
            .stdoutCopy(phaseDir.resolve("client.stdout"))
            .args(file.toString(), load ? "load" : "run", Long.toString(load ? 0 : options.warmupMs()))
            .start())
        {
            final int exit = client.awaitExit(options.timeoutMs());
            if (exit != 0)
            {
                throw new IOException("YCSB " + name + " exited with " + exit + "; see " + phaseDir.resolve("client.stderr"));
            }
        }
        final YcsbMeasurements m = YcsbMeasurements.read(phaseDir.resolve("export.json"), phaseDir + "/");
        if (load && m.failed() > 0)
        {
            throw new IOException("YCSB load: " + m.failed() + " inserts failed; see " + phaseDir);
        }
        return m;
    }
}
