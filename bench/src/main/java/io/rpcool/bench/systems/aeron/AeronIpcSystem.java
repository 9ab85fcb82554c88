package io.rpcool.bench.systems.aeron;

import io.rpcool.bench.BenchSystem;

/**
 * {@code aeron-ipc}: Aeron IPC ping-pong of 8-byte messages, embedded media driver in the server JVM,
 * busy-spinning on both sides.
 */
public final class AeronIpcSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "aeron-ipc";
    }

    @Override
    public Class<?> serverMain()
    {
        return AeronIpcServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return AeronIpcClient.class;
    }
}
