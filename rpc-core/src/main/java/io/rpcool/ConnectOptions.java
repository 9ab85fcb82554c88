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
    private boolean sealing;
    private int sealReleaseThreshold = -1;
    private int copyBelow = -1;
    private Transport transport;

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

    public boolean sealing()
    {
        return sealing;
    }

    /**
     * Make calls on this connection sealable: the buffer size is rounded up to a whole number of
     * pages so that each request buffer is page aligned and covers whole pages. A buffer size that is
     * already a page multiple (the default 8192) is sealable without this.
     */
    public ConnectOptions sealing(final boolean sealing)
    {
        this.sealing = sealing;
        return this;
    }

    public int sealReleaseThreshold()
    {
        return sealReleaseThreshold;
    }

    /**
     * Completed seals are released together, with one permission change, once this many are held
     * (default from the context: 1024; at most the slot count takes effect). 1 releases every seal
     * right after its reply.
     */
    public ConnectOptions sealReleaseThreshold(final int threshold)
    {
        if (threshold < 1)
        {
            throw new IllegalArgumentException("sealReleaseThreshold must be at least 1: " + threshold);
        }
        this.sealReleaseThreshold = threshold;
        return this;
    }

    public int copyBelow()
    {
        return copyBelow;
    }

    /**
     * For calls in {@link io.rpcool.seal.SealMode#POLICY}: requests shorter than this are copied by
     * the server, longer ones sealed (default {@link io.rpcool.seal.SealPolicy#copyBelow()}).
     */
    public ConnectOptions copyBelow(final int bytes)
    {
        this.copyBelow = bytes;
        return this;
    }

    public Transport transport()
    {
        return transport;
    }

    /**
     * The transport to insist on; null (the default) chooses automatically: shared memory in the same
     * memory domain; across domains {@link Transport#DSM} when a DSM provider is on the class path and
     * the kernel offers it, else the {@link Transport#TCP} copy fallback. An explicit {@link Transport#DSM}
     * fails with the reason when it is unavailable; {@link Transport#TCP} and {@link Transport#DSM} need a
     * server in another memory domain (or {@link #remote}), {@link Transport#SHARED_MEMORY} one in this domain.
     */
    public ConnectOptions transport(final Transport transport)
    {
        this.transport = transport;
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
