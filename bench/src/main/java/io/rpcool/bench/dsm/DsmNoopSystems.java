package io.rpcool.bench.dsm;

import java.util.List;

import io.rpcool.bench.BenchSystem;
import io.rpcool.bench.systems.grpc.GrpcTcpSystem;
import io.rpcool.bench.systems.rpcool.RpcoolSystem;

/**
 * The {@code noop-rtt} systems of the {@code dsm} suite, in the order they run: the rpcool ones are the noop
 * suite's server ({@code RpcoolBenchServer}, default domain) with a {@link DsmNoopClient} in another memory domain,
 * not registered with the noop suite's systems.
 */
public final class DsmNoopSystems
{
    private DsmNoopSystems()
    {
    }

    /** rpcool over the DSM and over the TCP fallback from another domain, and the noop suite's gRPC over TCP. */
    public static List<BenchSystem> all()
    {
        return List.of(
            new RpcoolSystem(DsmCases.RPCOOL_DSM_TCP, DsmNoopClient.Dsm.class)
            {
            },
            new RpcoolSystem(DsmCases.RPCOOL_TCP_FALLBACK, DsmNoopClient.Tcp.class)
            {
            },
            new GrpcTcpSystem(),
            new RpcoolSystem(DsmCases.POINTER_READ_RUN, DsmNoopClient.PointerRead.class)
            {
            });
    }
}
