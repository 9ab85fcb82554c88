package io.rpcool.bench.alloc;

import java.util.List;

/**
 * Measures the bytes the client and the server allocate per no-op call, thread by thread, after a
 * warm-up long enough for the hot path to be compiled: the client is the calling thread (plus the
 * TCP client's event loop for the fallback), the server the channel's handler threads (shared
 * memory) or its TCP listener's event loops (fallback).
 */
public final class AllocationProbe
{
    private AllocationProbe()
    {
    }

    /**
     * Figures of one measurement.
     *
     * @param system         system name of the transport.
     * @param calls          calls measured.
     * @param clientBytes    bytes the client threads allocated over the calls.
     * @param serverBytes    bytes the server threads allocated over the calls.
     * @param clientThreads  names of the threads counted as the client.
     * @param serverThreads  names of the threads counted as the server.
     */
    public record Result(
        String system,
        long calls,
        long clientBytes,
        long serverBytes,
        List<String> clientThreads,
        List<String> serverThreads)
    {
        public double clientBytesPerOp()
        {
            return clientBytes / (double)calls;
        }

        public double serverBytesPerOp()
        {
            return serverBytes / (double)calls;
        }
    }

    /**
     * @param fixture      an open fixture, used from this thread only.
     * @param kind         its transport.
     * @param warmupCalls  calls before the window.
     * @param calls        calls in the window.
     * @return the bytes allocated per thread group.
     */
    public static Result measure(
        final NoopCallFixture fixture, final NoopCallFixture.Kind kind, final long warmupCalls, final long calls)
    {
        ThreadAllocation.ensureSupported();
        long sequence = 1;
        for (long i = 0; i < warmupCalls; i++, sequence++)
        {
            check(sequence, fixture.call(sequence));
        }

        final List<Thread> clientHelpers = kind == NoopCallFixture.Kind.TCP ?
            ThreadAllocation.threadsNamed(NoopCallFixture.TCP_CLIENT_THREAD_PREFIX) : List.of();
        final List<Thread> server = ThreadAllocation.threadsNamed(kind == NoopCallFixture.Kind.TCP ?
            NoopCallFixture.TCP_SERVER_THREAD_PREFIX : NoopCallFixture.SHM_SERVER_THREAD_PREFIX);
        if (server.isEmpty())
        {
            throw new IllegalStateException("no server threads found for " + kind);
        }
        final Thread caller = Thread.currentThread();

        final ThreadAllocation.Snapshot serverBefore = ThreadAllocation.snapshot(server);
        final ThreadAllocation.Snapshot helpersBefore = ThreadAllocation.snapshot(clientHelpers);
        final long callerBefore = ThreadAllocation.allocatedBytes(caller);
        for (long i = 0; i < calls; i++, sequence++)
        {
            check(sequence, fixture.call(sequence));
        }
        final long callerBytes = ThreadAllocation.allocatedBytes(caller) - callerBefore;
        final long helperBytes = helpersBefore.allocatedSince();
        final long serverBytes = serverBefore.allocatedSince();

        final List<String> clientNames = new java.util.ArrayList<>();
        clientNames.add(caller.getName());
        clientNames.addAll(helpersBefore.names());
        return new Result(kind.systemName(), calls, callerBytes + helperBytes, serverBytes, clientNames,
            serverBefore.names());
    }

    private static void check(final long request, final long reply)
    {
        if (request != reply)
        {
            throw new IllegalStateException("reply " + reply + " does not echo request " + request);
        }
    }
}
