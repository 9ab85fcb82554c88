package io.rpcool;

/**
 * Options of a connection a client opens.
 */
public final class ConnectOptions
{
    private int slots = -1;
    private int bufferSize = -1;
    private String host;
    private int port;

    public static ConnectOptions defaults()
    {
        return new ConnectOptions();
    }

    /**
     * Reach the channel at a TCP endpoint directly, without asking the local daemon: for servers
     * on hosts that share no memory with this one.
     */
    public static ConnectOptions remote(final String host, final int port)
    {
        final ConnectOptions o = new ConnectOptions();
        o.host = host;
        o.port = port;
        return o;
    }

    public int slots()
    {
        return slots;
    }

    /** Calls in flight at once (default from the context). */
    public ConnectOptions slots(final int slots)
    {
        this.slots = slots;
        return this;
    }

    public int bufferSize()
    {
        return bufferSize;
    }

    /** Bytes of each request and reply buffer, a multiple of 64 (default from the context). */
    public ConnectOptions bufferSize(final int bufferSize)
    {
        this.bufferSize = bufferSize;
        return this;
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }
}
