package io.rpcool.bench.ops;

import io.rpcool.Channel;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.SharedHeap;
import io.rpcool.Transport;
import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.systems.rpcool.RpcoolBenchServer;
import io.rpcool.mem.RpcBuffer;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Client JVM of the {@code ops} suite. The server is {@link RpcoolBenchServer} (it embeds the
 * daemon and opens one channel); this JVM uses that daemon and times, one operation per sample:
 * <ol>
 *   <li>{@code ops-connect}: {@code rpc.connect(channel)} then {@code close()}, a fresh connection each time;</li>
 *   <li>{@code ops-create-channel} and {@code ops-destroy-channel}: {@code rpc.openChannel(name)} under a
 *       fresh name, then {@code close()} of that channel, timed separately;</li>
 *   <li>{@code ops-memcpy-1-page} and {@code ops-memcpy-1024-pages}: copies of 4 KiB and 4 MiB between two
 *       page-aligned buffers carved from one connection's shared data heap ({@code rpcool}), and
 *       {@code System.arraycopy} between two {@code byte[]} of the same size ({@code java-heap}). One-page
 *       copies are timed in batches of {@value #PAGE_COPY_BATCH} (each sample is the batch's mean) so that
 *       the ~23 ns of {@link System#nanoTime()} stays out of the figure; 1024-page copies one by one.</li>
 * </ol>
 * Arguments: the server's endpoint ({@code <daemon directory>,<tcp port>}) then {@link OpsOptions}.
 * Prints one {@code RESULT} line with an {@link OpsResult} and exits 0.
 */
public final class OpsClient
{
    public static final int PAGE_BYTES = 4096;
    public static final int BIG_COPY_PAGES = 1024;
    public static final int PAGE_COPY_BATCH = 32;

    private static final int BIG_BYTES = PAGE_BYTES * BIG_COPY_PAGES;

    private OpsClient()
    {
    }

    public static void main(final String[] args)
    {
        int status = 0;
        try
        {
            if (args.length < 1)
            {
                throw new IllegalArgumentException("usage: OpsClient <endpoint> key=value...");
            }
            final OpsResult result = measure(args[0], OpsOptions.parse(args, 1));
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
     * @param endpoint  the server's endpoint.
     * @param options   iteration counts.
     * @return every case's figures.
     */
    static OpsResult measure(final String endpoint, final OpsOptions options)
    {
        final Path directory = Path.of(endpoint.split(",")[0]);
        try (Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(directory).processName("bench-ops-client")
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL)))
        {
            final List<OpsCaseResult> cases = new ArrayList<>();
            cases.add(connect(rpc, options));
            cases.addAll(channels(rpc, options));
            cases.addAll(copies(rpc, options));
            return new OpsResult(cases);
        }
    }

    private static OpsCaseResult connect(final Rpcool rpc, final OpsOptions options)
    {
        try (Connection connection = rpc.connect(RpcoolBenchServer.CHANNEL))
        {
            if (connection.transport() != Transport.SHARED_MEMORY)
            {
                throw new IllegalStateException("expected a shared-memory connection, got " + connection.transport());
            }
        }
        final Phase warmup = new Phase(options.connectWarmup(), options.phaseMaxMs());
        while (warmup.next())
        {
            rpc.connect(RpcoolBenchServer.CHANNEL).close();
        }
        final Timing timing = new Timing();
        final Phase measure = new Phase(options.connectSamples(), options.phaseMaxMs());
        while (measure.next())
        {
            final long t0 = System.nanoTime();
            final Connection connection = rpc.connect(RpcoolBenchServer.CHANNEL);
            connection.close();
            timing.record(System.nanoTime() - t0, 1);
        }
        return timing.result(OpsCases.CONNECT, OpsCases.RPCOOL);
    }

    private static List<OpsCaseResult> channels(final Rpcool rpc, final OpsOptions options)
    {
        final String prefix = "/bench/ops/c" + ProcessHandle.current().pid() + "-";
        int next = 0;
        final Phase warmup = new Phase(options.channelWarmup(), options.phaseMaxMs());
        while (warmup.next())
        {
            rpc.openChannel(prefix + next++).close();
        }
        final Timing create = new Timing();
        final Timing destroy = new Timing();
        final Phase measure = new Phase(options.channelSamples(), options.phaseMaxMs());
        while (measure.next())
        {
            final String name = prefix + next++;
            final long t0 = System.nanoTime();
            final Channel channel = rpc.openChannel(name);
            final long t1 = System.nanoTime();
            channel.close();
            final long t2 = System.nanoTime();
            create.record(t1 - t0, 1);
            destroy.record(t2 - t1, 1);
        }
        return List.of(
            create.result(OpsCases.CREATE_CHANNEL, OpsCases.RPCOOL),
            destroy.result(OpsCases.DESTROY_CHANNEL, OpsCases.RPCOOL));
    }

    private static List<OpsCaseResult> copies(final Rpcool rpc, final OpsOptions options)
    {
        try (Connection connection = rpc.connect(RpcoolBenchServer.CHANNEL))
        {
            final SharedHeap heap = connection.heap();
            final UnsafeBuffer sharedSrc = pageAligned(heap.createBuffer(BIG_BYTES + PAGE_BYTES), BIG_BYTES);
            final UnsafeBuffer sharedDst = pageAligned(heap.createBuffer(BIG_BYTES + PAGE_BYTES), BIG_BYTES);
            final byte[] heapSrc = new byte[BIG_BYTES];
            final byte[] heapDst = new byte[BIG_BYTES];
            for (int i = 0; i < BIG_BYTES; i += 8)
            {
                sharedSrc.putLong(i, i * 0x9E3779B97F4A7C15L);
                sharedDst.putLong(i, 0); // fault every page in before timing
                heapSrc[i] = (byte)(i >>> 3);
            }

            final List<OpsCaseResult> results = new ArrayList<>();
            results.add(pageCopies(options, () -> sharedDst.putBytes(0, sharedSrc, 0, PAGE_BYTES), OpsCases.RPCOOL));
            results.add(pageCopies(options, () -> System.arraycopy(heapSrc, 0, heapDst, 0, PAGE_BYTES), OpsCases.JAVA_HEAP));
            results.add(bigCopies(options, () -> sharedDst.putBytes(0, sharedSrc, 0, BIG_BYTES), OpsCases.RPCOOL));
            results.add(bigCopies(options, () -> System.arraycopy(heapSrc, 0, heapDst, 0, BIG_BYTES), OpsCases.JAVA_HEAP));

            final int last = BIG_BYTES - 8;
            if (sharedDst.getLong(last) != sharedSrc.getLong(last) || heapDst[last] != heapSrc[last])
            {
                throw new IllegalStateException("a copy did not arrive");
            }
            return results;
        }
    }

    private static UnsafeBuffer pageAligned(final RpcBuffer buffer, final int length)
    {
        final long raw = buffer.allocate(length + PAGE_BYTES);
        if (raw == RpcBuffer.NULL_ADDRESS)
        {
            throw new IllegalStateException("RPC buffer of " + buffer.capacity() + " bytes cannot hold " + length);
        }
        final long aligned = (raw + PAGE_BYTES - 1) & -PAGE_BYTES;
        return new UnsafeBuffer(aligned, length);
    }

    private static OpsCaseResult pageCopies(final OpsOptions options, final Runnable copy, final String system)
    {
        final Phase warmup = new Phase(options.pageCopyWarmup(), options.phaseMaxMs());
        while (warmup.next())
        {
            copyBatch(copy);
        }
        final Timing timing = new Timing();
        final Phase measure = new Phase(options.pageCopySamples(), options.phaseMaxMs());
        while (measure.next())
        {
            final long t0 = System.nanoTime();
            copyBatch(copy);
            timing.record(System.nanoTime() - t0, PAGE_COPY_BATCH);
        }
        return timing.result(OpsCases.MEMCPY_1_PAGE, system);
    }

    private static void copyBatch(final Runnable copy)
    {
        for (int i = 0; i < PAGE_COPY_BATCH; i++)
        {
            copy.run();
        }
    }

    private static OpsCaseResult bigCopies(final OpsOptions options, final Runnable copy, final String system)
    {
        final Phase warmup = new Phase(options.bigCopyWarmup(), options.phaseMaxMs());
        while (warmup.next())
        {
            copy.run();
        }
        final Timing timing = new Timing();
        final Phase measure = new Phase(options.bigCopySamples(), options.phaseMaxMs());
        while (measure.next())
        {
            final long t0 = System.nanoTime();
            copy.run();
            timing.record(System.nanoTime() - t0, 1);
        }
        return timing.result(OpsCases.MEMCPY_1024_PAGES, system);
    }

    /**
     * Counts iterations of a phase: {@code count} of them, or fewer once {@code maxMs} have passed
     * (but at least one when the count is positive).
     */
    private static final class Phase
    {
        private final int count;
        private final long deadlineNs;
        private int done;

        Phase(final int count, final long maxMs)
        {
            this.count = count;
            this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        }

        boolean next()
        {
            if (done >= count || (done > 0 && System.nanoTime() - deadlineNs >= 0))
            {
                return false;
            }
            done++;
            return true;
        }
    }

    /**
     * Samples of one case: a histogram of the time per operation and the totals for the rate.
     */
    private static final class Timing
    {
        private final Histogram histogram = new Histogram(ClientSupport.HIGHEST_TRACKABLE_NS, 3);
        private long totalNs;
        private long operations;

        void record(final long ns, final int ops)
        {
            histogram.recordValue(Math.max(1, Math.min(Math.round(ns / (double)ops), ClientSupport.HIGHEST_TRACKABLE_NS)));
            totalNs += ns;
            operations += ops;
        }

        OpsCaseResult result(final String caseName, final String system)
        {
            return new OpsCaseResult(caseName, system,
                histogram.getValueAtPercentile(50.0),
                histogram.getValueAtPercentile(99.0),
                histogram.getMean(),
                histogram.getMaxValue(),
                histogram.getTotalCount(),
                operations,
                operations * 1e9 / Math.max(1, totalNs));
        }
    }
}
