package io.rpcool.bench.systems.rpcool;

/**
 * {@code rpcool-shm-relaxed}: this project over shared memory, no seal, no sandbox.
 */
public final class RpcoolShmSystem extends RpcoolSystem
{
    public RpcoolShmSystem()
    {
        super("rpcool-shm-relaxed", RpcoolBenchClient.Shm.class);
    }
}
