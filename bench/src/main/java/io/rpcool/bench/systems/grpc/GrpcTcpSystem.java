package io.rpcool.bench.systems.grpc;

import io.rpcool.bench.BenchSystem;

/**
 * {@code grpc-tcp}: gRPC-java unary call with {@code google.protobuf.Empty} over Netty, TCP loopback.
 */
public final class GrpcTcpSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "grpc-tcp";
    }

    @Override
    public Class<?> serverMain()
    {
        return GrpcServer.Tcp.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return GrpcClient.Tcp.class;
    }

    @Override
    public int maxClientThreads()
    {
        return Integer.MAX_VALUE;
    }
}
