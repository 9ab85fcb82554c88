package io.rpcool.bench.ycsb.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import site.ycsb.ClientThread;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Workload;
import site.ycsb.WorkloadException;
import site.ycsb.measurements.Measurements;
import site.ycsb.workloads.CoreWorkload;

/**
 * One YCSB workload against one binding, in this JVM, with YCSB's own client machinery: its
 * {@link CoreWorkload} makes the keys, values and operation mix, its {@link ClientThread}s run them
 * (as {@code site.ycsb.Client} does, whose {@code main} ends the JVM). Three phases: load
 * {@code recordcount} records, an unmeasured warm-up of {@code warmupops} operations, then
 * {@code operationcount} measured operations. Latency is that of one YCSB operation (a
 * read-modify-write is one), recorded per thread and merged; throughput is operations per second
 * of the measured phase.
 */
public final class YcsbRun
{
    /** Operations of the unmeasured warm-up phase (default 0). */
    public static final String WARMUP_OPS = "warmupops";
    /** Longest a phase may take before the run fails (default 600). */
    public static final String PHASE_TIMEOUT_S = "phasetimeout";

    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);

    private YcsbRun()
    {
    }

    /** What the measured phase gave; latencies in microseconds. */
    public record Result(String workload, long operations, long failed, double seconds, double throughput, double p50Us,
        double p99Us)
    {
        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "workload %s: %d operations (%d failed) in %.2f s, %.0f ops/s, p50 %.1f us, p99 %.1f us",
                workload, operations, failed, seconds, throughput, p50Us, p99Us);
        }
    }

    /**
     * The YCSB core workload {@code letter} (a to f) as properties, as in YCSB's workload files: 10 fields
     * of 100 bytes, Zipfian requests (workload D: the latest records), reads of all fields.
     */
    public static Properties workload(final String letter)
    {
        final Properties p = new Properties();
        p.setProperty("workload", CoreWorkload.class.getName());
        p.setProperty("fieldcount", "10");
        p.setProperty("fieldlength", "100");
        p.setProperty("readallfields", "true");
        p.setProperty("insertorder", "hashed");
        p.setProperty("requestdistribution", "zipfian");
        final Map<String, String> mix;
        switch (letter)
        {
            case "a":
                mix = Map.of("readproportion", "0.5", "updateproportion", "0.5");
                break;
            case "b":
                mix = Map.of("readproportion", "0.95", "updateproportion", "0.05");
                break;
            case "c":
                mix = Map.of("readproportion", "1");
                break;
            case "d":
                mix = Map.of("readproportion", "0.95", "insertproportion", "0.05", "requestdistribution", "latest");
                break;
            case "e":
                mix = Map.of("scanproportion", "0.95", "insertproportion", "0.05", "maxscanlength", "100",
                    "scanlengthdistribution", "uniform");
                break;
            case "f":
                mix = Map.of("readproportion", "0.5", "readmodifywriteproportion", "0.5");
                break;
            default:
                throw new IllegalArgumentException("unknown YCSB workload " + letter + " (a to f)");
        }
        for (final String op : List.of("readproportion", "updateproportion", "scanproportion", "insertproportion",
            "readmodifywriteproportion"))
        {
            p.setProperty(op, mix.getOrDefault(op, "0"));
        }
        mix.forEach(p::setProperty);
        return p;
    }

    /**
     * @param letter  workload a to f.
     * @param props   the binding's properties, {@code recordcount}, {@code operationcount}, {@code threadcount},
     *                {@value #WARMUP_OPS}; they override the workload's.
     * @param dbClass the {@code site.ycsb.DB} binding.
     */
    public static Result run(final String letter, final Properties props, final String dbClass) throws Exception
    {
        final Properties all = workload(letter);
        all.putAll(props);
        Measurements.setProperties(all);
        final int threads = Integer.parseInt(all.getProperty("threadcount", "1"));
        final int records = Integer.parseInt(all.getProperty("recordcount", "1000"));
        final int operations = Integer.parseInt(all.getProperty("operationcount", "1000"));
        final int warmup = Integer.parseInt(all.getProperty(WARMUP_OPS, "0"));
        final long timeoutS = Long.parseLong(all.getProperty(PHASE_TIMEOUT_S, "600"));

        // Holds the binding's shared client open across the phases, so that none of them measures a connect.
        final DB holder = newDb(dbClass, all);
        holder.init();
        try
        {
            final CoreWorkload loader = new CoreWorkload();
            loader.init(all);
            final Phase load = phase("load", loader, false, records, threads, all, dbClass, timeoutS);
            loader.cleanup();
            if (load.failed != 0)
            {
                throw new IllegalStateException(load.failed + " of " + records + " inserts of the load phase failed (see stderr)");
            }

            final CoreWorkload workload = new CoreWorkload();
            workload.init(all);
            if (warmup > 0)
            {
                phase("warm-up", workload, true, warmup, threads, all, dbClass, timeoutS);
            }
            final TimedWorkload timed = new TimedWorkload(workload);
            final long start = System.nanoTime();
            final Phase measured = phase("run", timed, true, operations, threads, all, dbClass, timeoutS);
            final double seconds = (System.nanoTime() - start) / 1e9;
            workload.cleanup();
            final Histogram latency = timed.merged();
            return new Result(letter, measured.ops, measured.failed, seconds, measured.ops / seconds,
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3);
        }
        finally
        {
            holder.cleanup();
        }
    }

    private record Phase(long ops, long failed)
    {
    }

    private static Phase phase(final String name, final Workload workload, final boolean transactions, final int operations,
        final int threads, final Properties props, final String dbClass, final long timeoutS) throws Exception
    {
        final CountDownLatch done = new CountDownLatch(threads);
        final List<ClientThread> clients = new ArrayList<>();
        final List<CountingDb> dbs = new ArrayList<>();
        final List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final CountingDb db = new CountingDb(newDb(dbClass, props));
            final int ops = operations / threads + (t < operations % threads ? 1 : 0);
            final ClientThread client = new ClientThread(db, transactions, workload, props, ops, 0, done);
            client.setThreadId(t);
            client.setThreadCount(threads);
            clients.add(client);
            dbs.add(db);
            final Thread thread = new Thread(client, "ycsb-" + name + "-" + t);
            thread.setDaemon(true);
            running.add(thread);
        }
        running.forEach(Thread::start);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (!done.await(100, TimeUnit.MILLISECONDS))
        {
            if (running.stream().noneMatch(Thread::isAlive))
            {
                break; // a ClientThread whose binding failed to initialise returns without counting down
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                workload.requestStop();
                throw new IllegalStateException("YCSB " + name + " phase not done within " + timeoutS + " s");
            }
        }
        for (final Thread thread : running)
        {
            thread.join(TimeUnit.SECONDS.toMillis(timeoutS));
        }
        long ops = 0;
        long failed = 0;
        for (int t = 0; t < threads; t++)
        {
            ops += clients.get(t).getOpsDone();
            failed += dbs.get(t).failed;
        }
        if (ops < operations)
        {
            throw new IllegalStateException("YCSB " + name + " phase did " + ops + " of " + operations +
                " operations (a client thread failed to start: see stderr)");
        }
        return new Phase(ops, failed);
    }

    private static DB newDb(final String dbClass, final Properties props) throws DBException
    {
        try
        {
            final DB db = (DB)Class.forName(dbClass).getDeclaredConstructor().newInstance();
            db.setProperties(props);
            return db;
        }
        catch (final ReflectiveOperationException e)
        {
            throw new DBException("cannot create the binding " + dbClass, e);
        }
    }

    /** A workload that times each operation of each thread into that thread's histogram. */
    private static final class TimedWorkload extends Workload
    {
        private final Workload workload;
        private final List<Histogram> histograms = new ArrayList<>();

        TimedWorkload(final Workload workload)
        {
            this.workload = workload;
        }

        @Override
        public Object initThread(final Properties p, final int mythreadid, final int threadcount) throws WorkloadException
        {
            final Histogram histogram = new Histogram(HIGHEST_NS, 3);
            synchronized (histograms)
            {
                histograms.add(histogram);
            }
            return new ThreadState(workload.initThread(p, mythreadid, threadcount), histogram);
        }

        @Override
        public boolean doInsert(final DB db, final Object threadstate)
        {
            return workload.doInsert(db, ((ThreadState)threadstate).state);
        }

        @Override
        public boolean doTransaction(final DB db, final Object threadstate)
        {
            final ThreadState s = (ThreadState)threadstate;
            final long start = System.nanoTime();
            final boolean more = workload.doTransaction(db, s.state);
            s.histogram.recordValue(Math.min(System.nanoTime() - start, HIGHEST_NS));
            return more;
        }

        @Override
        public void requestStop()
        {
            workload.requestStop();
        }

        @Override
        public boolean isStopRequested()
        {
            return workload.isStopRequested();
        }

        Histogram merged()
        {
            final Histogram all = new Histogram(HIGHEST_NS, 3);
            synchronized (histograms)
            {
                histograms.forEach(all::add);
            }
            return all;
        }

        private record ThreadState(Object state, Histogram histogram)
        {
        }
    }
}
