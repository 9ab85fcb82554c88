package io.rpcool;

import io.rpcool.seal.SealRequirement;

/**
 * Options of a channel a server opens.
 */
public final class ChannelOptions
{
    private int handlerThreads = 1;
    private int tcpPort;
    private boolean sharedHeap;
    private long heapSize = -1;
    private long connectionQuotaBytes;
    private SealRequirement sealRequirement = SealRequirement.NONE;
    private boolean sandboxed;
    private SandboxRegion sandboxRegion = SandboxRegion.rpcBufferAt(0);

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

    public boolean sharedHeap()
    {
        return sharedHeap;
    }

    /**
     * One data heap shared by all connections of the channel (true), or a private data heap per
     * connection (false, the default). Objects a server keeps across calls (a store's documents)
     * belong in a shared heap: a private heap goes away with its connection.
     */
    public ChannelOptions sharedHeap(final boolean sharedHeap)
    {
        this.sharedHeap = sharedHeap;
        return this;
    }

    public long heapSize()
    {
        return heapSize;
    }

    /** Size of each data heap the channel adds (default from the context). */
    public ChannelOptions heapSize(final long heapSize)
    {
        this.heapSize = heapSize;
        return this;
    }

    /** Data heap bytes one connection may add; 0 (default): a quarter of the server's quota. */
    public long connectionQuotaBytes()
    {
        return connectionQuotaBytes;
    }

    /**
     * Limit the data heaps one connection may add (client and server allocations together), so no
     * client can use up the server's quota for every other client. The default, 0, is a quarter of
     * the server process's quota; the connection that would go over it is refused (its allocation
     * fails with the daemon's {@code E_QUOTA_EXCEEDED}), the others go on.
     */
    public ChannelOptions connectionQuotaBytes(final long bytes)
    {
        if (bytes < 0)
        {
            throw new IllegalArgumentException("connection quota must not be negative: " + bytes);
        }
        this.connectionQuotaBytes = bytes;
        return this;
    }

    public SealRequirement sealRequirement()
    {
        return sealRequirement;
    }

    /**
     * What every call on the channel must carry (default {@link SealRequirement#NONE}); functions
     * can require more with {@link Channel#register(int, RpcHandler, SealRequirement)}. Calls that
     * fall short get a {@link Status#REJECTED} reply without running a handler.
     */
    public ChannelOptions requireSeal(final SealRequirement requirement)
    {
        this.sealRequirement = requirement == null ? SealRequirement.NONE : requirement;
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

    public boolean sandboxed()
    {
        return sandboxed;
    }

    /**
     * Run every handler of the channel in a sandbox (default false); a function's
     * {@link FunctionOptions} can say otherwise. Independent of sealing.
     */
    public ChannelOptions sandboxed(final boolean sandboxed)
    {
        this.sandboxed = sandboxed;
        return this;
    }

    public SandboxRegion sandboxRegion()
    {
        return sandboxRegion;
    }

    /**
     * How a sandboxed call's region is found: by default the RPC buffer whose address is the
     * request's first long ({@link SandboxRegion#rpcBufferAt(int) rpcBufferAt(0)}).
     */
    public ChannelOptions sandboxRegion(final SandboxRegion sandboxRegion)
    {
        if (sandboxRegion == null)
        {
            throw new NullPointerException("sandboxRegion");
        }
        this.sandboxRegion = sandboxRegion;
        return this;
    }
}
