package io.rpcool.bench.alloc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the bytes the client and the server allocate per no-op call, thread by thread, after a
 * warm-up that gets past one-time initialisation and lets the JIT compile the path: the client is the calling thread (plus the
 * TCP client's event loop for the fallback), the server the channel's handler threads (shared
 * memory) or its TCP listener's event loops (fallback). Every other live thread of the process is
 * followed too (the embedded daemon's load sampler, the watchdog, ...): what they allocate during the
 * window is background, not the call's, but it is part of what a process-wide count such as JMH's
 * {@code gc.alloc.rate.norm} divides by the calls.
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
     * @param otherBytes     bytes every other thread allocated over the calls.
     * @param windowNs       duration of the calls.
     * @param clientThreads  names of the threads counted as the client.
     * @param serverThreads  names of the threads counted as the server.
     * @param otherThreads   bytes allocated over the calls by each other thread that allocated any.
     */
    public record Result(
        String system,
        long calls,
        long clientBytes,
        long serverBytes,
        long otherBytes,
        long windowNs,
        List<String> clientThreads,
        List<String> serverThreads,
        Map<String, Long> otherThreads)
    {
        public double clientBytesPerOp()
        {
            return clientBytes / (double)calls;
        }

        public double serverBytesPerOp()
        {
            return serverBytes / (double)calls;
        }

        public double otherBytesPerOp()
        {
            return otherBytes / (double)calls;
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
        // the warm-up runs the very code of the window, so that it is compiled and linked before the window
        callerBytesOver(fixture, 1, warmupCalls);
        final long firstMeasured = 1 + warmupCalls;

        final List<Thread> clientHelpers = kind == NoopCallFixture.Kind.TCP ?
            ThreadAllocation.threadsNamed(NoopCallFixture.TCP_CLIENT_THREAD_PREFIX) : List.of();
        final List<Thread> server = ThreadAllocation.threadsNamed(kind == NoopCallFixture.Kind.TCP ?
            NoopCallFixture.TCP_SERVER_THREAD_PREFIX : NoopCallFixture.SHM_SERVER_THREAD_PREFIX);
        if (server.isEmpty())
        {
            throw new IllegalStateException("no server threads found for " + kind);
        }
        final Thread caller = Thread.currentThread();
        final List<Thread> others = new ArrayList<>();
        for (final Thread thread : ThreadAllocation.threadsNamed(""))
        {
            if (thread != caller && !clientHelpers.contains(thread) && !server.contains(thread))
            {
                others.add(thread);
            }
        }

        // taking the snapshots allocates on this thread, so the caller's own counter is read inside
        // callerBytesOver, around nothing but the calls
        final ThreadAllocation.Snapshot othersBefore = ThreadAllocation.snapshot(others);
        final ThreadAllocation.Snapshot serverBefore = ThreadAllocation.snapshot(server);
        final ThreadAllocation.Snapshot helpersBefore = ThreadAllocation.snapshot(clientHelpers);
        final long startNs = System.nanoTime();
        final long callerBytes = callerBytesOver(fixture, firstMeasured, calls);
        final long windowNs = System.nanoTime() - startNs;
        final long helperBytes = helpersBefore.allocatedSince();
        final long serverBytes = serverBefore.allocatedSince();
        final Map<String, Long> otherThreads = new LinkedHashMap<>();
        long otherBytes = 0;
        final long[] perThread = othersBefore.allocatedSincePerThread();
        for (int i = 0; i < perThread.length; i++)
        {
            if (perThread[i] > 0)
            {
                otherThreads.merge(othersBefore.names().get(i), perThread[i], Long::sum);
                otherBytes += perThread[i];
            }
        }

        final List<String> clientNames = new ArrayList<>();
        clientNames.add(caller.getName());
        clientNames.addAll(helpersBefore.names());
        return new Result(kind.systemName(), calls, callerBytes + helperBytes, serverBytes, otherBytes, windowNs,
            clientNames, serverBefore.names(), otherThreads);
    }

    /**
     * Make {@code calls} calls and return what this thread allocated meanwhile. The counter is read
     * in this small method, right around the loop: read in a larger method, a JIT deoptimisation of
     * that method when the loop ends would re-allocate its scalar-replaced objects on this thread
     * before the second read (seen with on-stack replacement after a short warm-up).
     */
    private static long callerBytesOver(final NoopCallFixture fixture, final long firstRequest, final long calls)
    {
        final Thread caller = Thread.currentThread();
        final long before = ThreadAllocation.allocatedBytes(caller);
        long request = firstRequest;
        for (long i = 0; i < calls; i++, request++)
        {
            check(request, fixture.call(request));
        }
        return ThreadAllocation.allocatedBytes(caller) - before;
    }

    private static void check(final long request, final long reply)
    {
        if (request != reply)
        {
            throw new IllegalStateException("reply " + reply + " does not echo request " + request);
        }
    }
}
