package io.rpcool.bench.systems.rpcool;

import java.util.List;

import io.rpcool.bench.BenchSystem;

/**
 * {@code rpcool-tcp-fallback}: the same server reached through the copy-based TCP fallback.
 */
public final class RpcoolTcpSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "rpcool-tcp-fallback";
    }

    @Override
    public Class<?> serverMain()
    {
        return RpcoolBenchServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return RpcoolBenchClient.Tcp.class;
    }

    @Override
    public List<String> jvmArgs()
    {
        return List.of("-Drpcool.idle=spin");
    }

    @Override
    public int maxClientThreads()
    {
        return Integer.MAX_VALUE;
    }
}
