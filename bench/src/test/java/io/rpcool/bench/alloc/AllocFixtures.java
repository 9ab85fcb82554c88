package io.rpcool.bench.alloc;

import java.util.List;
import java.util.Map;

/**
 * Hand-made {@code alloc} measurements for the report tests.
 */
final class AllocFixtures
{
    static final String SHM = NoopCallFixture.Kind.SHM.systemName();
    static final String TCP = NoopCallFixture.Kind.TCP.systemName();
    static final List<String> SYSTEMS = List.of(SHM, TCP);

    private AllocFixtures()
    {
    }

    static AllocationProbe.Result probe(final String system, final long calls, final long client, final long server,
        final long other)
    {
        return new AllocationProbe.Result(system, calls, client, server, other, 1_000_000_000L,
            List.of("main"), List.of("server-0"), other > 0 ? Map.of("rpcool-daemon-load", other) : Map.of());
    }

    static JmhResult jmh()
    {
        return new JmhResult(List.of(
            new JmhResult.Entry(SHM, 0.16, 2.5, 4.6e6, 1e5),
            new JmhResult.Entry(TCP, 267.0, null, 8.5e3, null)));
    }
}
