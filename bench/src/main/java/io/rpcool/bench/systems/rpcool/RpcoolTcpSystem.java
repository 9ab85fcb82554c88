package io.rpcool.bench.systems.rpcool;

/**
 * {@code rpcool-tcp-fallback}: the same server reached through the copy-based TCP fallback.
 */
public final class RpcoolTcpSystem extends RpcoolSystem
{
    public RpcoolTcpSystem()
    {
        super("rpcool-tcp-fallback", RpcoolBenchClient.Tcp.class);
    }
}
