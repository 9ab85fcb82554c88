package io.rpcool.bench.systems.rpcool;

import java.util.List;
import java.util.Set;

import io.rpcool.bench.suite.NoopSuite;
import io.rpcool.harness.report.Record;

/**
 * {@code rpcool-shm-timed-parks}: {@code rpcool-shm-relaxed} with the futex stage of the adaptive wait
 * switched off ({@code rpcool.idle.futex=false}), so waits that stop spinning end in timed parks and
 * hand-offs to the poller as before the kernel wake-ups: the in-run baseline of a loaded run only.
 */
public final class RpcoolShmTimedParksSystem extends RpcoolSystem
{
    public RpcoolShmTimedParksSystem()
    {
        super("rpcool-shm-timed-parks", RpcoolBenchClient.Shm.class);
    }

    @Override
    public List<String> jvmArgs()
    {
        return List.of("-Drpcool.idle=spin", "-Drpcool.idle.futex=false");
    }

    @Override
    public Set<String> suites()
    {
        return Set.of(NoopSuite.NAME + Record.LOADED_SUFFIX);
    }
}
