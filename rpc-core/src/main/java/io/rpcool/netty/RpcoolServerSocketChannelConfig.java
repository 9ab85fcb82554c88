package io.rpcool.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;

/**
 * Configuration of an {@link RpcoolServerSocketChannel}: {@link RpcoolChannelOption#RING_CAPACITY} sets the
 * bytes of each direction's ring of the connections it accepts. Backlog, SO_REUSEADDR and SO_RCVBUF are
 * accepted and reported back, without effect.
 */
public final class RpcoolServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig
{
    /** Ring bytes per direction unless configured: 256 KiB. */
    public static final int DEFAULT_RING_CAPACITY = 256 * 1024;

    private volatile int ringCapacity = DEFAULT_RING_CAPACITY;
    private volatile int backlog = 128;
    private volatile boolean reuseAddress;
    private volatile int receiveBufferSize;

    RpcoolServerSocketChannelConfig(final Channel channel)
    {
        super(channel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(final ChannelOption<T> option)
    {
        if (option == RpcoolChannelOption.RING_CAPACITY)
        {
            return (T)Integer.valueOf(ringCapacity);
        }
        if (option == ChannelOption.SO_BACKLOG)
        {
            return (T)Integer.valueOf(backlog);
        }
        if (option == ChannelOption.SO_REUSEADDR)
        {
            return (T)Boolean.valueOf(reuseAddress);
        }
        if (option == ChannelOption.SO_RCVBUF)
        {
            return (T)Integer.valueOf(receiveBufferSize);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(final ChannelOption<T> option, final T value)
    {
        validate(option, value);
        if (option == RpcoolChannelOption.RING_CAPACITY)
        {
            ringCapacity = PipeDescriptor.checkCapacity((Integer)value);
        }
        else if (option == ChannelOption.SO_BACKLOG)
        {
            setBacklog((Integer)value);
        }
        else if (option == ChannelOption.SO_REUSEADDR)
        {
            setReuseAddress((Boolean)value);
        }
        else if (option == ChannelOption.SO_RCVBUF)
        {
            setReceiveBufferSize((Integer)value);
        }
        else
        {
            return super.setOption(option, value);
        }
        return true;
    }

    /** Bytes of each direction's ring of an accepted connection. */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    @Override
    public int getBacklog()
    {
        return backlog;
    }

    @Override
    public RpcoolServerSocketChannelConfig setBacklog(final int backlog)
    {
        this.backlog = backlog;
        return this;
    }

    @Override
    public boolean isReuseAddress()
    {
        return reuseAddress;
    }

    @Override
    public RpcoolServerSocketChannelConfig setReuseAddress(final boolean reuseAddress)
    {
        this.reuseAddress = reuseAddress;
        return this;
    }

    @Override
    public int getReceiveBufferSize()
    {
        return receiveBufferSize;
    }

    @Override
    public RpcoolServerSocketChannelConfig setReceiveBufferSize(final int receiveBufferSize)
    {
        this.receiveBufferSize = receiveBufferSize;
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setPerformancePreferences(final int connectionTime, final int latency, final int bandwidth)
    {
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setConnectTimeoutMillis(final int connectTimeoutMillis)
    {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public RpcoolServerSocketChannelConfig setMaxMessagesPerRead(final int maxMessagesPerRead)
    {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setWriteSpinCount(final int writeSpinCount)
    {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setAllocator(final ByteBufAllocator allocator)
    {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setRecvByteBufAllocator(final RecvByteBufAllocator allocator)
    {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setAutoRead(final boolean autoRead)
    {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setMessageSizeEstimator(final MessageSizeEstimator estimator)
    {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    @Deprecated
    public RpcoolServerSocketChannelConfig setWriteBufferHighWaterMark(final int writeBufferHighWaterMark)
    {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public RpcoolServerSocketChannelConfig setWriteBufferLowWaterMark(final int writeBufferLowWaterMark)
    {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public RpcoolServerSocketChannelConfig setWriteBufferWaterMark(final WriteBufferWaterMark writeBufferWaterMark)
    {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
