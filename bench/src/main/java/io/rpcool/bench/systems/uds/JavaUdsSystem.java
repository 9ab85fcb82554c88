package io.rpcool.bench.systems.uds;

import io.rpcool.bench.BenchSystem;

/**
 * {@code java-uds}: JDK {@code SocketChannel} over a Unix domain socket, 8-byte echo.
 */
public final class JavaUdsSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "java-uds";
    }

    @Override
    public Class<?> serverMain()
    {
        return JavaUdsServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return JavaUdsClient.class;
    }

    @Override
    public int maxClientThreads()
    {
        return Integer.MAX_VALUE;
    }
}
