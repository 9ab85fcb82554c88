package io.rpcool.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.service.sample.Hop;
import io.rpcool.service.sample.HopRpc;

/**
 * A deadline through three JVMs: this one (A) calls B, whose handler calls C. Each hop sees less time than
 * the one before; a chain that runs over its deadline fails at A with {@code DEADLINE_EXCEEDED} and C gives up
 * too, and B sends nothing further downstream once the deadline has passed.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeadlineChainTest
{
    @Test
    void shouldPropagateTheDeadlineThroughThreeHopsAndCancelDownstreamWhenItPasses() throws Exception
    {
        final Path dir = TestDirs.fresh("svc-chain");
        try (Rpcool rpc = TypedServiceTest.embedded(dir);
            ChildJvm c = TypedServiceTest.server(dir, "/hop/c", "local");
            ChildJvm b = TypedServiceTest.server(dir, "/hop/b", "local", "/hop/c");
            Connection toB = rpc.connect("/hop/b");
            Connection toC = rpc.connect("/hop/c"))
        {
            final HopRpc.Stub hopB = HopRpc.stub(toB);
            final HopRpc.Stub hopC = HopRpc.stub(toC);

            final List<Long> seen = hopB.withDeadlineAfter(5, TimeUnit.SECONDS).relay(0);
            assertEquals(2, seen.size(), seen.toString());
            final long atB = seen.get(0);
            final long atC = seen.get(1);
            // Each hop had less time than the one before it, and none more than the caller gave.
            assertTrue(atB <= TimeUnit.SECONDS.toNanos(5) && atB > TimeUnit.SECONDS.toNanos(2), "B had " + atB + " ns");
            assertTrue(atC < atB && atC > 0, "C had " + atC + " ns, B " + atB + " ns");

            final long start = System.nanoTime();
            final RpcException e = assertThrows(RpcException.class, () -> hopB.withDeadlineAfter(500, TimeUnit.MILLISECONDS).relay(3_000));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(Status.DEADLINE_EXCEEDED, e.status(), e.getMessage());
            // At the caller's deadline, not when C would have finished its 3 s.
            assertTrue(tookMs >= 450 && tookMs < 2_900, "failed after " + tookMs + " ms");

            // C stopped its 3 s of work at the deadline instead of finishing it...
            awaitTrue(() -> hopC.stats().expired() == 1, "C gives up at the deadline: " + hopC.stats());
            final Hop.HopStats atCStats = hopC.stats();
            assertEquals(1, atCStats.finished(), atCStats.toString());
            // ...and B's attempt to call C again after the deadline was never sent (C served two relays, not three).
            awaitTrue(() -> hopB.stats().notSent() == 1, "B sends nothing past the deadline: " + hopB.stats());
            assertEquals(2, hopC.stats().served(), hopC.stats().toString());
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
