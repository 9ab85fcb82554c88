package io.rpcool.bench.alloc;

import io.rpcool.bench.fork.ForkProtocol;

import java.util.List;

/**
 * Forked JVM of the {@code alloc} suite that counts the bytes each side of a no-op call allocates,
 * thread by thread ({@link AllocationProbe}).
 * <pre>
 *   java ... AllocationProbeMain transport=shm|tcp warmupCalls=N calls=N
 *   stdout: RESULT {"system": ..., "calls": ..., "client_bytes": ..., "server_bytes": ..., ...}
 * </pre>
 */
public final class AllocationProbeMain
{
    private AllocationProbeMain()
    {
    }

    public static void main(final String[] args)
    {
        int status = 0;
        try
        {
            final KeyValueArgs options = new KeyValueArgs(args, List.of("transport", "warmupCalls", "calls"));
            final NoopCallFixture.Kind kind = NoopCallFixture.Kind.parse(options.string("transport"));
            final AllocationProbe.Result result;
            try (NoopCallFixture fixture = NoopCallFixture.open(kind))
            {
                result = AllocationProbe.measure(fixture, kind, options.number("warmupCalls"), options.number("calls"));
            }
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
}
