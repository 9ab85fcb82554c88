package io.rpcool.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an address a driver passes to {@code bind} or {@code connect} leads: an {@link RpcoolAddress}
 * names its channel; an {@link InetSocketAddress} is looked up as {@code host:port} (the host as given,
 * then its IP address) in the mappings made with {@link #map}, and without a mapping goes to the
 * channel {@code /rpcool-netty/<port>}, so a server and a client of one host that agree on a port find
 * each other without any mapping. Process-wide; both ends must map alike.
 */
public final class RpcoolAddresses
{
    /** Prefix of the channel an unmapped {@code host:port} goes to. */
    public static final String DEFAULT_PREFIX = "/rpcool-netty/";

    private static final Map<String, String> MAPPINGS = new ConcurrentHashMap<>();

    private RpcoolAddresses()
    {
    }

    /** Send {@code hostPort} ("localhost:50051") to the channel {@code channelName}. */
    public static void map(final String hostPort, final String channelName)
    {
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1)
        {
            throw new IllegalArgumentException("expected host:port, got " + hostPort);
        }
        Integer.parseInt(hostPort.substring(colon + 1));
        MAPPINGS.put(hostPort, channelName);
    }

    /** Forget the mapping of {@code hostPort}. */
    public static void unmap(final String hostPort)
    {
        MAPPINGS.remove(hostPort);
    }

    /** The channel name {@code address} leads to. */
    public static String channelName(final SocketAddress address)
    {
        if (address instanceof RpcoolAddress)
        {
            return ((RpcoolAddress)address).channelName();
        }
        if (!(address instanceof InetSocketAddress))
        {
            throw new IllegalArgumentException("unsupported address type: " + address);
        }
        final InetSocketAddress inet = (InetSocketAddress)address;
        String name = MAPPINGS.get(inet.getHostString() + ":" + inet.getPort());
        if (name == null && inet.getAddress() != null)
        {
            name = MAPPINGS.get(inet.getAddress().getHostAddress() + ":" + inet.getPort());
        }
        if (name == null)
        {
            if (inet.getPort() == 0)
            {
                throw new IllegalArgumentException("port 0 has no channel: bind to a port, map the address " +
                    "(RpcoolAddresses.map) or use an RpcoolAddress");
            }
            name = DEFAULT_PREFIX + inet.getPort();
        }
        return name;
    }

    /** An {@link InetSocketAddress} to report for {@code address}: itself, or the channel name unresolved. */
    static InetSocketAddress inet(final SocketAddress address)
    {
        if (address instanceof InetSocketAddress)
        {
            return (InetSocketAddress)address;
        }
        return address == null ? null : InetSocketAddress.createUnresolved(channelName(address), 0);
    }
}
