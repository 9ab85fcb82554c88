package io.rpcool.bench.fork;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Client side of the {@link ForkProtocol} for systems with a blocking call: runs the phases described
 * in {@link ClientOptions} over {@link RpcClient}s and prints the {@code RESULT} line.
 * <pre>
 *   public static void main(String[] args) {
 *       ClientSupport.run(args, endpoint -&gt; new MyClient(endpoint));
 *   }
 * </pre>
 * Each timed round trip includes the cost of one {@link System#nanoTime()} call; the throughput
 * phases time batches of calls instead.
 */
public final class ClientSupport
{
    /**
     * Largest round trip the histogram tracks; slower ones are recorded as this value.
     */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);

    private static final int TIME_CHECK_MASK = 63;

    /** An open-loop sender spins this long (at most half the gap) before each intended send time. */
    private static final long OPEN_LOOP_SPIN_LEAD_NS = 60_000;

    private ClientSupport()
    {
    }

    /**
     * Entry point for a client main: {@code args} are the endpoint followed by client options.
     * Prints the result and exits the JVM (0 on success, 1 on failure).
     *
     * @param args     the client main's arguments.
     * @param factory  opens one connection per client thread.
     */
    public static void run(final String[] args, final RpcClientFactory factory)
    {
        runCustom(args, (endpoint, options) -> measure(endpoint, options, factory));
    }

    /**
     * Entry point for a client main that drives the phases itself: parses the arguments, runs the
     * measurement, prints the result and exits the JVM (0 on success, 1 on failure).
     *
     * @param args         the client main's arguments.
     * @param measurement  runs the phases of the options it is given.
     */
    public static void runCustom(final String[] args, final ClientMeasurement measurement)
    {
        int status = 0;
        try
        {
            if (args.length < 1)
            {
                throw new IllegalArgumentException("usage: <client-main> <endpoint> key=value...");
            }
            final ClientOptions options = ClientOptions.parse(args, 1);
            requireNoopSuite(options);
            final ClientResult result = measurement.measure(args[0], options);
            System.out.println(ForkProtocol.resultLine(result));
            System.out.flush();
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /**
     * @param options  parsed options.
     * @throws IllegalArgumentException unless the suite is one whose calls this helper knows how to
     * make (currently {@code noop}: 8-byte echo).
     */
    public static void requireNoopSuite(final ClientOptions options)
    {
        if (!"noop".equals(options.suite()))
        {
            throw new IllegalArgumentException("suite not implemented by this client: " + options.suite());
        }
    }

    /**
     * Run all phases against {@code endpoint}.
     *
     * @param endpoint  server endpoint.
     * @param options   phases to run.
     * @param factory   opens connections.
     * @return the measurements.
     * @throws Exception if a connection or call fails.
     */
    public static ClientResult measure(final String endpoint, final ClientOptions options, final RpcClientFactory factory)
        throws Exception
    {
        final List<RpcClient> clients = new ArrayList<>();
        try
        {
            final RpcClient first = factory.connect(endpoint);
            clients.add(first);
            final Sequence sequence = new Sequence();

            warmUp(first, sequence, options);

            final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
            if (options.gapUs() > 0)
            {
                recordOpenLoop(first, sequence, options, histogram);
            }
            else
            {
                recordLatency(first, sequence, options, histogram);
            }

            final double opsPerS = throughput(first, sequence, options.throughputMs());

            Double multiOpsPerS = null;
            int multiThreads = 0;
            if (options.threads() > 1)
            {
                for (int i = 1; i < options.threads(); i++)
                {
                    clients.add(factory.connect(endpoint));
                }
                multiOpsPerS = multiThroughput(clients, sequence, options);
                multiThreads = options.threads();
            }

            return new ClientResult(
                histogram.getValueAtPercentile(50.0),
                histogram.getValueAtPercentile(99.0),
                histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue(),
                histogram.getMean(),
                histogram.getTotalCount(),
                opsPerS,
                multiThreads,
                multiOpsPerS);
        }
        finally
        {
            for (final RpcClient client : clients)
            {
                try
                {
                    client.close();
                }
                catch (final Exception ex)
                {
                    ex.printStackTrace();
                }
            }
        }
    }

    private static void check(final long request, final long reply)
    {
        if (request != reply)
        {
            throw new IllegalStateException("reply " + reply + " does not echo request " + request);
        }
    }

    /**
     * Warms up until at least {@link ClientOptions#warmupCalls()} calls and {@link ClientOptions#warmupMinMs()}
     * have passed and the round trips have reached a {@link SteadyState}, or until
     * {@link ClientOptions#warmupMaxMs()}; says on standard error which ended it (the fork logs keep it).
     */
    private static void warmUp(final RpcClient client, final Sequence sequence, final ClientOptions options)
        throws Exception
    {
        final SteadyState steady = SteadyState.standard();
        final long startNs = System.nanoTime();
        final long minEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(options.warmupMinMs());
        final long maxEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(options.warmupMaxMs());
        long seq = sequence.next;
        long done = 0;
        boolean settled = false;
        long nowNs = startNs;
        while (true)
        {
            final long t0 = nowNs;
            check(seq, client.call(seq));
            nowNs = System.nanoTime();
            settled = steady.record(nowNs - t0, nowNs);
            seq++;
            done++;
            if ((settled && done >= options.warmupCalls() && nowNs - minEndNs >= 0) || nowNs - maxEndNs >= 0)
            {
                break;
            }
        }
        sequence.next = seq;
        System.err.printf("warm-up: %d calls in %d ms, %s after %d windows%n",
            done, TimeUnit.NANOSECONDS.toMillis(nowNs - startNs),
            settled ? "steady" : "NOT steady (time bound reached)", steady.windows());
    }

    /** Calls back to back for {@code ms} (the warm-up of each extra client thread of the throughput phase). */
    private static void runFor(final RpcClient client, final Sequence sequence, final long ms) throws Exception
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long seq = sequence.next;
        do
        {
            check(seq, client.call(seq));
            seq++;
        }
        while (System.nanoTime() - endNs < 0);
        sequence.next = seq;
    }

    private static void recordLatency(
        final RpcClient client, final Sequence sequence, final ClientOptions options, final Histogram histogram)
        throws Exception
    {
        final long calls = options.measureCalls();
        final long startNs = System.nanoTime();
        final long minEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(options.measureMinMs());
        final long maxEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(options.measureMaxMs());
        long seq = sequence.next;
        long done = 0;
        while (true)
        {
            final long t0 = System.nanoTime();
            final long reply = client.call(seq);
            final long t1 = System.nanoTime();
            histogram.recordValue(Math.min(t1 - t0, HIGHEST_TRACKABLE_NS));
            check(seq, reply);
            seq++;
            done++;
            if ((done >= calls && t1 - minEndNs >= 0) || t1 - maxEndNs >= 0)
            {
                break;
            }
        }
        sequence.next = seq;
    }

    /**
     * Calls at intended send times {@code gapUs} apart, each timed from its intended send time. The
     * thread parks until shortly before a send and spins the rest (timer slack would otherwise make
     * every send late); a send that is late anyway, because the previous call or the thread's own
     * wake-up took longer, counts against the call.
     */
    private static void recordOpenLoop(
        final RpcClient client, final Sequence sequence, final ClientOptions options, final Histogram histogram)
        throws Exception
    {
        final long gapNs = TimeUnit.MICROSECONDS.toNanos(options.gapUs());
        final long spinLeadNs = Math.min(gapNs / 2, OPEN_LOOP_SPIN_LEAD_NS);
        final long calls = options.measureCalls();
        final long startNs = System.nanoTime();
        final long minEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(options.measureMinMs());
        final long maxEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(options.measureMaxMs());
        long seq = sequence.next;
        long done = 0;
        long intendedNs = startNs + gapNs;
        while (true)
        {
            long nowNs = System.nanoTime();
            if (intendedNs - nowNs > spinLeadNs)
            {
                LockSupport.parkNanos(intendedNs - nowNs - spinLeadNs);
            }
            while ((nowNs = System.nanoTime()) - intendedNs < 0)
            {
                Thread.onSpinWait();
            }
            final long reply = client.call(seq);
            final long t1 = System.nanoTime();
            histogram.recordValue(Math.min(t1 - intendedNs, HIGHEST_TRACKABLE_NS));
            check(seq, reply);
            seq++;
            done++;
            intendedNs += gapNs;
            if ((done >= calls && t1 - minEndNs >= 0) || t1 - maxEndNs >= 0)
            {
                break;
            }
        }
        sequence.next = seq;
    }

    private static double throughput(final RpcClient client, final Sequence sequence, final long windowMs)
        throws Exception
    {
        long seq = sequence.next;
        final long startNs = System.nanoTime();
        final long endNs = startNs + TimeUnit.MILLISECONDS.toNanos(windowMs);
        long done = 0;
        long nowNs;
        while (true)
        {
            check(seq, client.call(seq));
            seq++;
            done++;
            if ((done & TIME_CHECK_MASK) == 0 && (nowNs = System.nanoTime()) - endNs >= 0)
            {
                break;
            }
        }
        sequence.next = seq;
        return done * 1e9 / (nowNs - startNs);
    }

    private static double multiThroughput(
        final List<RpcClient> clients, final Sequence firstSequence, final ClientOptions options)
        throws Exception
    {
        final int threads = clients.size();
        final CyclicBarrier start = new CyclicBarrier(threads + 1);
        final long[] counts = new long[threads];
        final long[] endNs = new long[threads];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final StopFlag stop = new StopFlag();
        final List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final int index = i;
            final RpcClient client = clients.get(i);
            final Sequence sequence = index == 0 ? firstSequence : new Sequence();
            final Thread worker = new Thread(() ->
            {
                try
                {
                    runFor(client, sequence, options.warmupMinMs());
                    start.await();
                    long seq = sequence.next;
                    long done = 0;
                    while (!stop.stop)
                    {
                        check(seq, client.call(seq));
                        seq++;
                        done++;
                    }
                    endNs[index] = System.nanoTime();
                    counts[index] = done;
                    sequence.next = seq;
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                    start.reset();
                }
            }, "client-" + i);
            worker.start();
            workers.add(worker);
        }

        start.await();
        final long startNs = System.nanoTime();
        Thread.sleep(options.throughputMs());
        stop.stop = true;
        for (final Thread worker : workers)
        {
            worker.join();
        }
        if (failure.get() != null)
        {
            throw new IllegalStateException("client thread failed", failure.get());
        }

        long total = 0;
        long lastEndNs = startNs;
        for (int i = 0; i < threads; i++)
        {
            total += counts[i];
            lastEndNs = Math.max(lastEndNs, endNs[i]);
        }
        return total * 1e9 / (lastEndNs - startNs);
    }

    private static final class Sequence
    {
        long next = 1;
    }

    private static final class StopFlag
    {
        volatile boolean stop;
    }
}
