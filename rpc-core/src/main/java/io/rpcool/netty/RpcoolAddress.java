package io.rpcool.netty;

import java.net.SocketAddress;

/** The address of a stream server by its RPCool channel name, for bind and connect. */
public final class RpcoolAddress extends SocketAddress
{
    private static final long serialVersionUID = 1L;

    private final String channelName;

    public RpcoolAddress(final String channelName)
    {
        this.channelName = channelName;
    }

    public String channelName()
    {
        return channelName;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof RpcoolAddress && ((RpcoolAddress)o).channelName.equals(channelName);
    }

    @Override
    public int hashCode()
    {
        return channelName.hashCode();
    }

    @Override
    public String toString()
    {
        return "rpcool:" + channelName;
    }
}
