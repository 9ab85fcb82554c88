package io.rpcool.bench.alloc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression guard: a synchronous no-op call over shared memory allocates nothing on the client
 * thread or the server's handler thread. The path allocates nothing even when interpreted; the
 * warm-up gets past one-time initialisation and the JIT's first compilations of the loop.
 */
class HotPathAllocationTest
{
    private static final long WARMUP_CALLS = 50_000;
    private static final long CALLS = 100_000;
    private static final double BOUND_BYTES_PER_CALL = AllocSuite.ALLOCATION_FREE_BYTES_PER_OP;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNotAllocateOnTheSharedMemoryClientOrServerPath()
    {
        final AllocationProbe.Result result;
        try (NoopCallFixture fixture = NoopCallFixture.open(NoopCallFixture.Kind.SHM))
        {
            result = AllocationProbe.measure(fixture, NoopCallFixture.Kind.SHM, WARMUP_CALLS, CALLS);
        }

        System.out.printf("shared memory: client %.3f B/call %s, server %.3f B/call %s%n",
            result.clientBytesPerOp(), result.clientThreads(), result.serverBytesPerOp(), result.serverThreads());
        assertEquals(1, result.serverThreads().size(), result.serverThreads().toString());
        assertTrue(result.clientBytesPerOp() < BOUND_BYTES_PER_CALL,
            "client allocated " + result.clientBytes() + " bytes over " + CALLS + " calls");
        assertTrue(result.serverBytesPerOp() < BOUND_BYTES_PER_CALL,
            "server allocated " + result.serverBytes() + " bytes over " + CALLS + " calls");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCountTheTcpFallbackThreadsSeparately()
    {
        final AllocationProbe.Result result;
        try (NoopCallFixture fixture = NoopCallFixture.open(NoopCallFixture.Kind.TCP))
        {
            result = AllocationProbe.measure(fixture, NoopCallFixture.Kind.TCP, 10_000, 10_000);
        }

        System.out.printf("tcp fallback: client %.3f B/call %s, server %.3f B/call %s%n",
            result.clientBytesPerOp(), result.clientThreads(), result.serverBytesPerOp(), result.serverThreads());
        assertTrue(result.clientThreads().stream().anyMatch(n -> n.startsWith(NoopCallFixture.TCP_CLIENT_THREAD_PREFIX)),
            result.clientThreads().toString());
        assertTrue(result.serverThreads().stream().allMatch(n -> n.startsWith(NoopCallFixture.TCP_SERVER_THREAD_PREFIX)),
            result.serverThreads().toString());
    }
}
