package io.rpcool.bench.fork;

/**
 * Opens connections for {@link ClientSupport}; called once per client thread.
 */
@FunctionalInterface
public interface RpcClientFactory
{
    /**
     * @param endpoint  the endpoint the server printed in its {@code READY} line.
     * @return a connected client.
     * @throws Exception if the server cannot be reached.
     */
    RpcClient connect(String endpoint) throws Exception;
}
