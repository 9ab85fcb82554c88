package io.rpcool.bench.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.bench.alloc.AllocSuite;
import io.rpcool.bench.alloc.NoopCallFixture;
import io.rpcool.bench.alloc.ThreadAllocation;

/**
 * Regression guard: a typed call whose arguments and result are primitives allocates nothing on the
 * client thread or on the server's handler thread over shared memory, as the raw call does.
 */
class TypedCallAllocationTest
{
    private static final int WARMUP_CALLS = 50_000;
    private static final int CALLS = 100_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNotAllocateOnTheTypedClientOrServerPath()
    {
        ThreadAllocation.ensureSupported();
        try (NoopCallFixture fixture = NoopCallFixture.open(NoopCallFixture.Kind.SHM))
        {
            NoopServiceRpc.bind(fixture.channel(), new NoopServiceImpl());
            final NoopServiceRpc.Stub stub = NoopServiceRpc.stub(fixture.connection());
            long sum = 0;
            for (int i = 0; i < WARMUP_CALLS; i++)
            {
                sum += stub.echo(i);
                stub.noop();
            }
            final List<Thread> server = ThreadAllocation.threadsNamed(NoopCallFixture.SHM_SERVER_THREAD_PREFIX);
            assertEquals(1, server.size(), server.toString());
            final ThreadAllocation.Snapshot serverBefore = ThreadAllocation.snapshot(server);
            final ThreadAllocation.Snapshot clientBefore = ThreadAllocation.snapshot(List.of(Thread.currentThread()));
            for (int i = 0; i < CALLS; i++)
            {
                sum += stub.echo(i);
                stub.noop();
            }
            final double client = clientBefore.allocatedSince() / (2.0 * CALLS);
            final double handler = serverBefore.allocatedSince() / (2.0 * CALLS);
            System.out.printf("typed calls: client %.3f B/call, server %.3f B/call (sum %d)%n", client, handler, sum);
            assertTrue(client < AllocSuite.ALLOCATION_FREE_BYTES_PER_OP, "client allocated " + client + " bytes per call");
            assertTrue(handler < AllocSuite.ALLOCATION_FREE_BYTES_PER_OP, "server allocated " + handler + " bytes per call");
        }
    }
}
