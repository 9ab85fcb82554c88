package io.rpcool.bench.systems.shm;

import io.rpcool.bench.BenchSystem;

/**
 * {@code raw-shm-pingpong}: two JVMs map one file under /dev/shm and bounce a sequence number through
 * one cache line each way with busy spinning; the physical limit of a cross-process round trip.
 */
public final class RawShmPingPongSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "raw-shm-pingpong";
    }

    @Override
    public Class<?> serverMain()
    {
        return RawShmPingPongServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return RawShmPingPongClient.class;
    }
}
