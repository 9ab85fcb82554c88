package io.rpcool.bench.dsm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.fork.SteadyState;
import io.rpcool.bench.ops.OpsCaseResult;
import io.rpcool.bench.ops.OpsResult;
import io.rpcool.dsm.DsmConfig;
import io.rpcool.dsm.DsmHeap;

/**
 * Client JVM of the page fetches (the DSM's client side, which owns no page at the start). Args: the
 * server's {@code <pager port>,<control port>}, then {@code warmupMaxMs=}, {@code fetches=},
 * {@code blocks=}.
 * <ul>
 *   <li>{@code page-fetch-1}: the time of a read of one page the server owns (fault, REQUEST_PAGE,
 *       PAGE, UFFDIO_COPY, wake), each followed by the anchor, a raw TCP round trip of a 24-byte
 *       request and a 4 KiB reply between the same two JVMs; the server takes the pages back
 *       between rounds over all pages. The warm-up runs such rounds until both series are steady.</li>
 *   <li>{@code page-fetch-1024}: reading 1,024 pages the server owns one after the other, against 1,024
 *       raw 4 KiB round trips back to back.</li>
 * </ul>
 * Prints one {@code RESULT} line with an {@link OpsResult}.
 */
public final class DsmFetchClient
{
    private static final int CONNECT_MS = 60_000;

    private final DsmHeap heap;
    private final OutputStream out;
    private final DataInputStream in;
    private final byte[] request = new byte[DsmCases.CONTROL_BYTES];
    private final ByteBuffer fields = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] reply = new byte[DsmCases.REPLY_BYTES];

    private DsmFetchClient(final DsmHeap heap, final Socket control) throws IOException
    {
        this.heap = heap;
        this.out = control.getOutputStream();
        this.in = new DataInputStream(control.getInputStream());
    }

    public static void main(final String[] args)
    {
        try
        {
            final String[] ports = args[0].split(",");
            final long warmupMaxMs = option(args, "warmupMaxMs");
            final int fetches = Math.toIntExact(option(args, "fetches"));
            final int blocks = Math.toIntExact(option(args, "blocks"));
            final DsmConfig config = DsmConfig.of(DsmCases.HEAP_ADDRESS, DsmCases.HEAP_BYTES);
            try (DsmHeap heap = DsmHeap.connect("127.0.0.1", Integer.parseInt(ports[0]), config, CONNECT_MS);
                 Socket control = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(ports[1])))
            {
                control.setTcpNoDelay(true);
                final DsmFetchClient client = new DsmFetchClient(heap, control);
                final List<OpsCaseResult> cases = new ArrayList<>();
                client.measure(warmupMaxMs, fetches, blocks, cases);
                System.out.println(ForkProtocol.resultLine(new OpsResult(cases)));
                System.out.flush();
            }
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private void measure(final long warmupMaxMs, final int fetches, final int blocks, final List<OpsCaseResult> cases)
        throws IOException
    {
        final SteadyState fetchSteady = SteadyState.standard();
        final SteadyState rawSteady = SteadyState.standard();
        final long[] fetch = new long[DsmCases.HEAP_PAGES];
        final long[] raw = new long[DsmCases.HEAP_PAGES];
        final long warmupEndNs = System.nanoTime() + warmupMaxMs * 1_000_000L;
        boolean steady = false;
        int rounds = 0;
        while (!steady && System.nanoTime() < warmupEndNs)
        {
            fetchRound(fetch, raw, 0, DsmCases.HEAP_PAGES);
            for (int i = 0; i < DsmCases.HEAP_PAGES; i++)
            {
                final long now = System.nanoTime();
                final boolean fetchSettled = fetchSteady.record(fetch[i], now);
                steady = rawSteady.record(raw[i], now) & fetchSettled;
            }
            rounds++;
        }
        System.out.println("warm-up: " + rounds + " round(s) of " + DsmCases.HEAP_PAGES + " fetches, " +
            (steady ? "steady" : "not steady at warmupMaxMs"));

        final long[] fetchSamples = new long[fetches];
        final long[] rawSamples = new long[fetches];
        for (int at = 0; at < fetches; at += DsmCases.HEAP_PAGES)
        {
            fetchRound(fetchSamples, rawSamples, at, Math.min(DsmCases.HEAP_PAGES, fetches - at));
        }
        System.out.println("after page-fetch-1: " + counters(heap));
        cases.add(result(DsmCases.PAGE_FETCH_1, DsmCases.DSM_TCP, fetchSamples));
        cases.add(result(DsmCases.PAGE_FETCH_1, DsmCases.RAW_TCP_4K, rawSamples));

        final long[] blockSamples = new long[blocks];
        final long[] rawBlockSamples = new long[blocks];
        final int perHeap = DsmCases.HEAP_PAGES / DsmCases.BLOCK_PAGES;
        for (int s = -1; s < blocks; s++)
        {
            // One extra block first, unrecorded: the block loop's own warm-up.
            final int block = (s + perHeap) % perHeap;
            final long base = DsmCases.HEAP_ADDRESS + (long)block * DsmCases.BLOCK_PAGES * DsmHeap.PAGE_SIZE;
            final long start = System.nanoTime();
            for (int p = 0; p < DsmCases.BLOCK_PAGES; p++)
            {
                heap.getLong(base + p * DsmHeap.PAGE_SIZE);
            }
            final long mid = System.nanoTime();
            for (int p = 0; p < DsmCases.BLOCK_PAGES; p++)
            {
                control(DsmCases.OP_ECHO, 0, 0);
            }
            final long end = System.nanoTime();
            if (s >= 0)
            {
                blockSamples[s] = mid - start;
                rawBlockSamples[s] = end - mid;
            }
            if (block == perHeap - 1)
            {
                control(DsmCases.OP_TAKE, 0, DsmCases.HEAP_PAGES);
            }
        }
        control(DsmCases.OP_TAKE, 0, DsmCases.HEAP_PAGES);
        System.out.println("after page-fetch-1024: " + counters(heap));
        cases.add(result(DsmCases.PAGE_FETCH_1024, DsmCases.DSM_TCP, blockSamples));
        cases.add(result(DsmCases.PAGE_FETCH_1024, DsmCases.RAW_TCP_4K, rawBlockSamples));
    }

    /** Reads pages {@code [0, count)} (one fetch each), each followed by a raw round trip, then gives them back. */
    private void fetchRound(final long[] fetch, final long[] raw, final int at, final int count) throws IOException
    {
        for (int p = 0; p < count; p++)
        {
            final long start = System.nanoTime();
            heap.getLong(DsmCases.HEAP_ADDRESS + p * DsmHeap.PAGE_SIZE + 8);
            final long mid = System.nanoTime();
            control(DsmCases.OP_ECHO, 0, 0);
            final long end = System.nanoTime();
            fetch[at + p] = mid - start;
            raw[at + p] = end - mid;
        }
        control(DsmCases.OP_TAKE, 0, count);
    }

    /** The pager's counters, for the fork's log: how many page moves waited for the hold time. */
    static String counters(final DsmHeap heap)
    {
        return "faults " + heap.counter(DsmHeap.COUNTER_FAULTS) + ", requests " + heap.counter(DsmHeap.COUNTER_REQUESTS) +
            ", pages in " + heap.counter(DsmHeap.COUNTER_PAGES_IN) + ", out " + heap.counter(DsmHeap.COUNTER_PAGES_OUT) +
            ", deferred " + heap.counter(DsmHeap.COUNTER_DEFERRED);
    }

    private void control(final long op, final long from, final long to) throws IOException
    {
        fields.putLong(0, op).putLong(8, from).putLong(16, to);
        out.write(request);
        in.readFully(reply);
    }

    private static OpsCaseResult result(final String caseName, final String system, final long[] samples)
    {
        final long[] sorted = samples.clone();
        Arrays.sort(sorted);
        final double mean = Arrays.stream(sorted).average().orElse(0);
        return new OpsCaseResult(caseName, system, percentile(sorted, 50), percentile(sorted, 99), mean,
            sorted[sorted.length - 1], sorted.length, sorted.length, mean > 0 ? 1e9 / mean : 0);
    }

    private static double percentile(final long[] sorted, final int percentile)
    {
        return sorted[Math.min(sorted.length - 1, (int)((long)sorted.length * percentile / 100))];
    }

    private static long option(final String[] args, final String key)
    {
        for (int i = 1; i < args.length; i++)
        {
            if (args[i].startsWith(key + "="))
            {
                return Long.parseLong(args[i].substring(key.length() + 1));
            }
        }
        throw new IllegalArgumentException("missing option " + key + "=");
    }
}
