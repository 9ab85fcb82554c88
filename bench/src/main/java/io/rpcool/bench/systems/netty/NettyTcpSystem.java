package io.rpcool.bench.systems.netty;

import io.rpcool.bench.BenchSystem;

/**
 * {@code netty-tcp}: plain Netty (epoll where available, else NIO) over loopback TCP, 8-byte echo,
 * client ping-pong driven from its event loop.
 */
public final class NettyTcpSystem implements BenchSystem
{
    @Override
    public String name()
    {
        return "netty-tcp";
    }

    @Override
    public Class<?> serverMain()
    {
        return NettyTcpServer.class;
    }

    @Override
    public Class<?> clientMain()
    {
        return NettyTcpClient.class;
    }

    @Override
    public int maxClientThreads()
    {
        return Integer.MAX_VALUE;
    }
}
