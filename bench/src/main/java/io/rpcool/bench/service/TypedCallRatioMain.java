package io.rpcool.bench.service;

import java.util.Arrays;
import java.util.List;

import io.rpcool.bench.alloc.NoopCallFixture;
import io.rpcool.bench.alloc.ThreadAllocation;

/**
 * The typed no-op call against the raw function-id no-op, interleaved in the same run so that a noisy
 * machine disturbs both alike: rounds of {@code calls} raw calls (slot kept, as the {@code alloc} suite
 * calls) then {@code calls} typed {@code echo(long)} calls, each round's ratio, the medians; then the bytes
 * the client thread and the server's handler thread allocate per typed call. One JVM: an in-process channel
 * over shared memory with spinning waits ({@link NoopCallFixture}).
 * <pre>
 *   java $FLAGS -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" \
 *       io.rpcool.bench.service.TypedCallRatioMain [rounds=21] [calls=20000]
 * </pre>
 */
public final class TypedCallRatioMain
{
    private TypedCallRatioMain()
    {
    }

    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        final int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        ThreadAllocation.ensureSupported();
        try (NoopCallFixture fixture = NoopCallFixture.open(NoopCallFixture.Kind.SHM))
        {
            NoopServiceRpc.bind(fixture.channel(), new NoopServiceImpl());
            final NoopServiceRpc.Stub stub = NoopServiceRpc.stub(fixture.connection());
            long sink = 0;
            for (int i = 0; i < 200_000; i++)
            {
                sink += fixture.call(i) + stub.echo(i);
            }
            final double[] raw = new double[rounds];
            final double[] typed = new double[rounds];
            final double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++)
                {
                    sink += fixture.call(i);
                }
                raw[r] = (System.nanoTime() - start) / (double)calls;
                start = System.nanoTime();
                for (int i = 0; i < calls; i++)
                {
                    sink += stub.echo(i);
                }
                typed[r] = (System.nanoTime() - start) / (double)calls;
                ratio[r] = typed[r] / raw[r];
            }
            final List<Thread> server = ThreadAllocation.threadsNamed(NoopCallFixture.SHM_SERVER_THREAD_PREFIX);
            final ThreadAllocation.Snapshot serverBefore = ThreadAllocation.snapshot(server);
            final ThreadAllocation.Snapshot clientBefore = ThreadAllocation.snapshot(List.of(Thread.currentThread()));
            final int allocCalls = 100_000;
            for (int i = 0; i < allocCalls; i++)
            {
                sink += stub.echo(i);
                stub.noop();
            }
            final long clientBytes = clientBefore.allocatedSince();
            final long serverBytes = serverBefore.allocatedSince();
            System.out.printf("raw no-op (slot kept)   median %.0f ns/call over %d rounds of %d%n", median(raw), rounds, calls);
            System.out.printf("typed echo(long)        median %.0f ns/call%n", median(typed));
            System.out.printf("typed / raw             median %.2f (per-round min %.2f, max %.2f)%n", median(ratio),
                Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0));
            System.out.printf("allocated per typed call: client thread %.3f B, server handler threads %.3f B (%d calls, %s)%n",
                clientBytes / (2.0 * allocCalls), serverBytes / (2.0 * allocCalls), 2 * allocCalls, serverBefore.names());
            System.out.println("(sink " + (sink & 1) + ")");
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
