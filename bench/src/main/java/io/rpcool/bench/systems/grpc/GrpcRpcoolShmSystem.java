package io.rpcool.bench.systems.grpc;

import io.rpcool.bench.BenchSystem;

/**
 * {@code grpc-rpcool-shm}: the same gRPC-java unary call with {@code google.protobuf.Empty} as
 * {@code grpc-tcp}, carried by RPCool's Netty channels ({@code io.rpcool.netty}) over shared memory:
 * the server and client change only the channel type and the event loop groups.
 */
public final class GrpcRpcoolShmSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "grpc-rpcool-shm";
    }

    @Override
    public Class<?> serverMain()
    {
        return GrpcServer.Shm.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return GrpcClient.Shm.class;
    }

    @Override
    public int maxClientThreads()
    {
        return Integer.MAX_VALUE;
    }
}
