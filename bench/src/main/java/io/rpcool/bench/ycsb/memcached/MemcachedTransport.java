package io.rpcool.bench.ycsb.memcached;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import io.rpcool.Rpcool;
import io.rpcool.netty.RpcoolAddress;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolServerSocketChannel;
import io.rpcool.netty.RpcoolSocketChannel;

/**
 * The three things a Netty server or client needs to change transport, and nothing else: the
 * channel class, the event loop group and the address. {@link MemcachedServer} and {@link
 * MemcachedClient} take them from here and are otherwise the same code on every transport.
 *
 * <p>Unix domain sockets and TCP use Netty's native epoll transport (a dependency of the bench
 * module; NIO has no domain sockets in Netty 4.1): {@link #check()} says why when it is unavailable.
 */
public enum MemcachedTransport
{
    /** RPCool's Netty channels: byte rings in a channel's shared heap; the endpoint is a channel name. */
    RPCOOL_SHM("rpcool-shm"),
    /** Unix domain socket; the endpoint is the socket's path. */
    UDS("uds"),
    /** TCP; the endpoint is {@code host:port}. */
    TCP("tcp");

    private final String systemName;

    MemcachedTransport(final String systemName)
    {
        this.systemName = systemName;
    }

    /** @return the benchmark system's name: {@code rpcool-shm}, {@code uds} or {@code tcp}. */
    public String systemName()
    {
        return systemName;
    }

    /**
     * @param name a {@link #systemName()} or a constant's name, in any case.
     * @return the transport.
     */
    public static MemcachedTransport of(final String name)
    {
        for (final MemcachedTransport t : values())
        {
            if (t.systemName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name))
            {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "' (rpcool-shm, uds, tcp)");
    }

    /** @throws IllegalStateException naming the cause if this transport cannot run in this JVM. */
    public void check()
    {
        if (this != RPCOOL_SHM && !Epoll.isAvailable())
        {
            throw new IllegalStateException(systemName + " needs Netty's native epoll transport: " + Epoll.unavailabilityCause(),
                Epoll.unavailabilityCause());
        }
    }

    /**
     * @param threads loop threads.
     * @param rpcool  the RPCool instance for {@link #RPCOOL_SHM} (ignored, may be null, otherwise).
     * @return a new event loop group for this transport's channels.
     */
    public EventLoopGroup newGroup(final int threads, final Rpcool rpcool)
    {
        check();
        if (this == RPCOOL_SHM)
        {
            if (rpcool == null)
            {
                throw new IllegalArgumentException("rpcool-shm needs an Rpcool instance");
            }
            return new RpcoolEventLoopGroup(threads, rpcool);
        }
        return new EpollEventLoopGroup(threads);
    }

    /** @return the server channel class. */
    public Class<? extends ServerChannel> serverChannel()
    {
        switch (this)
        {
            case RPCOOL_SHM:
                return RpcoolServerSocketChannel.class;
            case UDS:
                return EpollServerDomainSocketChannel.class;
            default:
                return EpollServerSocketChannel.class;
        }
    }

    /** @return the client channel class. */
    public Class<? extends Channel> clientChannel()
    {
        switch (this)
        {
            case RPCOOL_SHM:
                return RpcoolSocketChannel.class;
            case UDS:
                return EpollDomainSocketChannel.class;
            default:
                return EpollSocketChannel.class;
        }
    }

    /**
     * @param endpoint channel name, socket path or {@code host:port}.
     * @return the address to bind or connect to.
     */
    public SocketAddress address(final String endpoint)
    {
        switch (this)
        {
            case RPCOOL_SHM:
                return new RpcoolAddress(endpoint);
            case UDS:
                return new DomainSocketAddress(endpoint);
            default:
                final int colon = endpoint.lastIndexOf(':');
                if (colon < 0)
                {
                    throw new IllegalArgumentException("tcp endpoint '" + endpoint + "' is not host:port");
                }
                return new InetSocketAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
        }
    }

    @Override
    public String toString()
    {
        return systemName.toLowerCase(Locale.ROOT);
    }
}
