package io.rpcool.netty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

/**
 * Configuration of an {@link RpcoolSocketChannel}. Netty's own options work as on any channel
 * ({@code ALLOW_HALF_CLOSURE}, auto-read, water marks, allocator). Socket options (TCP_NODELAY,
 * SO_KEEPALIVE, buffer sizes, ...) are accepted and reported back so drivers that set them work
 * unchanged, but they have no effect: there is no socket.
 */
public final class RpcoolSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig
{
    private final Map<ChannelOption<?>, Object> socketOptions = new ConcurrentHashMap<>();
    private volatile boolean allowHalfClosure;

    RpcoolSocketChannelConfig(final Channel channel)
    {
        super(channel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(final ChannelOption<T> option)
    {
        if (option == ChannelOption.ALLOW_HALF_CLOSURE)
        {
            return (T)Boolean.valueOf(allowHalfClosure);
        }
        final Object value = socketOptions.get(option);
        return value != null ? (T)value : super.getOption(option);
    }

    @Override
    public <T> boolean setOption(final ChannelOption<T> option, final T value)
    {
        if (option == ChannelOption.ALLOW_HALF_CLOSURE)
        {
            allowHalfClosure = (Boolean)value;
            return true;
        }
        if (super.setOption(option, value))
        {
            return true;
        }
        validate(option, value);
        socketOptions.put(option, value);
        return true;
    }

    private <T> T socket(final ChannelOption<T> option, final T defaultValue)
    {
        @SuppressWarnings("unchecked")
        final T value = (T)socketOptions.get(option);
        return value == null ? defaultValue : value;
    }

    private RpcoolSocketChannelConfig put(final ChannelOption<?> option, final Object value)
    {
        socketOptions.put(option, value);
        return this;
    }

    @Override
    public boolean isTcpNoDelay()
    {
        return socket(ChannelOption.TCP_NODELAY, Boolean.TRUE);
    }

    @Override
    public RpcoolSocketChannelConfig setTcpNoDelay(final boolean tcpNoDelay)
    {
        return put(ChannelOption.TCP_NODELAY, tcpNoDelay);
    }

    @Override
    public int getSoLinger()
    {
        return socket(ChannelOption.SO_LINGER, -1);
    }

    @Override
    public RpcoolSocketChannelConfig setSoLinger(final int soLinger)
    {
        return put(ChannelOption.SO_LINGER, soLinger);
    }

    @Override
    public int getSendBufferSize()
    {
        return socket(ChannelOption.SO_SNDBUF, 0);
    }

    @Override
    public RpcoolSocketChannelConfig setSendBufferSize(final int sendBufferSize)
    {
        return put(ChannelOption.SO_SNDBUF, sendBufferSize);
    }

    @Override
    public int getReceiveBufferSize()
    {
        return socket(ChannelOption.SO_RCVBUF, 0);
    }

    @Override
    public RpcoolSocketChannelConfig setReceiveBufferSize(final int receiveBufferSize)
    {
        return put(ChannelOption.SO_RCVBUF, receiveBufferSize);
    }

    @Override
    public boolean isKeepAlive()
    {
        return socket(ChannelOption.SO_KEEPALIVE, Boolean.FALSE);
    }

    @Override
    public RpcoolSocketChannelConfig setKeepAlive(final boolean keepAlive)
    {
        return put(ChannelOption.SO_KEEPALIVE, keepAlive);
    }

    @Override
    public int getTrafficClass()
    {
        return socket(ChannelOption.IP_TOS, 0);
    }

    @Override
    public RpcoolSocketChannelConfig setTrafficClass(final int trafficClass)
    {
        return put(ChannelOption.IP_TOS, trafficClass);
    }

    @Override
    public boolean isReuseAddress()
    {
        return socket(ChannelOption.SO_REUSEADDR, Boolean.FALSE);
    }

    @Override
    public RpcoolSocketChannelConfig setReuseAddress(final boolean reuseAddress)
    {
        return put(ChannelOption.SO_REUSEADDR, reuseAddress);
    }

    @Override
    public RpcoolSocketChannelConfig setPerformancePreferences(final int connectionTime, final int latency, final int bandwidth)
    {
        return this;
    }

    @Override
    public boolean isAllowHalfClosure()
    {
        return allowHalfClosure;
    }

    @Override
    public RpcoolSocketChannelConfig setAllowHalfClosure(final boolean allowHalfClosure)
    {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setConnectTimeoutMillis(final int connectTimeoutMillis)
    {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public RpcoolSocketChannelConfig setMaxMessagesPerRead(final int maxMessagesPerRead)
    {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setWriteSpinCount(final int writeSpinCount)
    {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setAllocator(final ByteBufAllocator allocator)
    {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setRecvByteBufAllocator(final RecvByteBufAllocator allocator)
    {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setAutoRead(final boolean autoRead)
    {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setAutoClose(final boolean autoClose)
    {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setMessageSizeEstimator(final MessageSizeEstimator estimator)
    {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public RpcoolSocketChannelConfig setWriteBufferWaterMark(final WriteBufferWaterMark writeBufferWaterMark)
    {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
