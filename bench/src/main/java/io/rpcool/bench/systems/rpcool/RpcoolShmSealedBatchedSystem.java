package io.rpcool.bench.systems.rpcool;

/**
 * {@code rpcool-shm-sealed-batched}: every call sealed as in {@code rpcool-shm-sealed}, the client rotating over
 * 16 request buffers so that completed seals are released 16 at a time with one permission change.
 */
public final class RpcoolShmSealedBatchedSystem extends RpcoolSystem
{
    public RpcoolShmSealedBatchedSystem()
    {
        super("rpcool-shm-sealed-batched", RpcoolBenchClient.SealedBatched.class);
    }
}
