package io.rpcool.bench.systems.rpcool;

import java.util.List;

import io.rpcool.bench.BenchSystem;

/**
 * {@code rpcool-shm-relaxed}: this project over shared memory, no seal, no sandbox. Waiting is
 * pinned to spinning ({@code rpcool.idle=spin}) like the busy-polling baselines, so the figure does
 * not depend on the adaptive wait's reading of a noisy host.
 */
public final class RpcoolShmSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "rpcool-shm-relaxed";
    }

    @Override
    public Class<?> serverMain()
    {
        return RpcoolBenchServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return RpcoolBenchClient.Shm.class;
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
