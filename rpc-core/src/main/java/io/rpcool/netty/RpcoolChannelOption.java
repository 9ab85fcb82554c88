package io.rpcool.netty;

import io.netty.channel.ChannelOption;

/** Options of the RPCool channels beyond Netty's. */
public final class RpcoolChannelOption
{
    /**
     * Bytes of each direction's ring of the connections a server channel accepts (a power of two of
     * at least 4096; default 256 KiB). Set on the server channel: {@code ServerBootstrap.option(...)}.
     */
    public static final ChannelOption<Integer> RING_CAPACITY = ChannelOption.valueOf(RpcoolChannelOption.class, "RING_CAPACITY");

    private RpcoolChannelOption()
    {
    }
}
