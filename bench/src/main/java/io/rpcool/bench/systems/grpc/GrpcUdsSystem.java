package io.rpcool.bench.systems.grpc;

import io.rpcool.bench.BenchSystem;

/**
 * {@code grpc-uds}: gRPC-java unary call with {@code google.protobuf.Empty} over a Unix domain socket
 * with Netty's native epoll transport.
 */
public final class GrpcUdsSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "grpc-uds";
    }

    @Override
    public Class<?> serverMain()
    {
        return GrpcServer.Uds.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return GrpcClient.Uds.class;
    }

    @Override
    public int maxClientThreads()
    {
        return Integer.MAX_VALUE;
    }
}
