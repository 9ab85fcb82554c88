package io.rpcool.bench.report;

import io.rpcool.bench.fork.ClientResult;
import io.rpcool.harness.report.ProbeEntry;

/**
 * Outcome of one system in one run, as the harness saw it.
 *
 * @param probe     run, system, placement probes around it, other CPU use and status.
 * @param result    what the client measured, {@code null} if the run failed.
 * @param elapsedS  wall time for the system, probes and JVM start-up included.
 */
public record SystemRun(ProbeEntry probe, ClientResult result, double elapsedS)
{
    public String system()
    {
        return probe.system();
    }
}
