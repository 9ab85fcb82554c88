package io.rpcool;

/**
 * Options of a channel a server opens.
 */
public final class ChannelOptions
{
    private int handlerThreads = 1;
    private int tcpPort;

    public static ChannelOptions defaults()
    {
        return new ChannelOptions();
    }

    public int handlerThreads()
    {
        return handlerThreads;
    }

    /** Threads that poll the channel's connections and run handlers (default 1). */
    public ChannelOptions handlerThreads(final int handlerThreads)
    {
        if (handlerThreads < 1)
        {
            throw new IllegalArgumentException("handlerThreads must be at least 1: " + handlerThreads);
        }
        this.handlerThreads = handlerThreads;
        return this;
    }

    public int tcpPort()
    {
        return tcpPort;
    }

    /** Port of the TCP fallback listener; 0 (default) picks a free one. */
    public ChannelOptions tcpPort(final int tcpPort)
    {
        this.tcpPort = tcpPort;
        return this;
    }
}
