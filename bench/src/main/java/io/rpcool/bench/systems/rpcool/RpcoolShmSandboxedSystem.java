package io.rpcool.bench.systems.rpcool;

/**
 * {@code rpcool-shm-sandboxed}: this project over shared memory, the server running the handler in a sandbox
 * (this host's sandbox provider: MPK when the CPU has protection keys, else bounded views only).
 */
public final class RpcoolShmSandboxedSystem extends RpcoolSystem
{
    public RpcoolShmSandboxedSystem()
    {
        super("rpcool-shm-sandboxed", RpcoolBenchClient.Sandboxed.class);
    }
}
