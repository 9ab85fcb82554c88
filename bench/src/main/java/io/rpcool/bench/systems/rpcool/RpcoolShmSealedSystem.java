package io.rpcool.bench.systems.rpcool;

/**
 * {@code rpcool-shm-sealed}: this project over shared memory, every call sealed with this host's seal backend
 * (the kernel module when {@code /dev/rpcool} exists, else mprotect) and its seal released before
 * the next call; the server requires sealed calls.
 */
public final class RpcoolShmSealedSystem extends RpcoolSystem
{
    public RpcoolShmSealedSystem()
    {
        super("rpcool-shm-sealed", RpcoolBenchClient.Sealed.class);
    }
}
