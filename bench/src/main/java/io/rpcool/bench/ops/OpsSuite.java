package io.rpcool.bench.ops;

import java.util.List;

/**
 * Settings of the {@code ops} suite: iteration counts for quick and full runs and the JVM flags of
 * its server and client.
 */
public final class OpsSuite
{
    /**
     * Handler threads of both JVMs sleep 1 ms between polls: the suite makes no calls, and a handler
     * polling every few microseconds would take most of a core from the operations being timed.
     */
    public static final List<String> JVM_ARGS = List.of("-Drpcool.idle=sleep", "-Drpcool.idle.sleepNs=1000000");

    private OpsSuite()
    {
    }

    /**
     * @param quick  whether a short smoke run was asked for.
     * @return iteration counts for every client JVM.
     */
    public static OpsOptions options(final boolean quick)
    {
        if (quick)
        {
            // about 3 s of operations per run on the 2-core VM
            return new OpsOptions(100, 1_000, 30, 300, 20_000, 50_000, 50, 300, 5_000);
        }
        return new OpsOptions(500, 5_000, 100, 2_000, 100_000, 500_000, 200, 2_000, 20_000);
    }

    /**
     * @param quick  whether a short smoke run was asked for.
     * @return runs when {@code --runs} is not given.
     */
    public static int defaultRuns(final boolean quick)
    {
        return 3;
    }
}
