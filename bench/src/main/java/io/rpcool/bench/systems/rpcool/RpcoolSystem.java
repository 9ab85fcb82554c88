package io.rpcool.bench.systems.rpcool;

import java.util.List;

import io.rpcool.bench.BenchSystem;

/**
 * This project's systems: one server ({@link RpcoolBenchServer}), reached over shared memory or over
 * the TCP fallback (the {@code dsm} suite's clients, from another memory domain, too). Waiting is pinned to
 * spinning ({@code rpcool.idle=spin}) like the busy-polling baselines, so a figure does not depend on the
 * adaptive wait's reading of a noisy host.
 */
public abstract class RpcoolSystem implements BenchSystem
{
    private final String name;
    private final Class<?> clientMain;

    protected RpcoolSystem(final String name, final Class<?> clientMain)
    {
        this.name = name;
        this.clientMain = clientMain;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public Class<?> serverMain()
    {
        return RpcoolBenchServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return clientMain;
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
