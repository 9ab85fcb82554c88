package io.rpcool;

/**
 * Options of one function a channel serves ({@link Channel#register(int, RpcHandler, FunctionOptions)}).
 * What is not set here comes from the channel's {@link ChannelOptions}.
 */
public final class FunctionOptions
{
    private Boolean sandboxed;
    private io.rpcool.seal.SealRequirement sealRequirement;
    private SandboxRegion sandboxRegion;

    public static FunctionOptions defaults()
    {
        return new FunctionOptions();
    }

    /** Whether the handler runs in a sandbox; null: as the channel says. */
    public Boolean sandboxed()
    {
        return sandboxed;
    }

    /**
     * Run this function's handler in a sandbox (true) or not (false), whatever the channel's
     * default. Independent of sealing.
     */
    public FunctionOptions sandboxed(final boolean sandboxed)
    {
        this.sandboxed = sandboxed;
        return this;
    }

    /** The region of a sandboxed call; null: as the channel says. */
    public SandboxRegion sandboxRegion()
    {
        return sandboxRegion;
    }

    /** How to find a sandboxed call's region (default: the channel's, {@link SandboxRegion#rpcBufferAt(int) rpcBufferAt(0)}). */
    public FunctionOptions sandboxRegion(final SandboxRegion sandboxRegion)
    {
        this.sandboxRegion = sandboxRegion;
        return this;
    }

    /** The seal requirement of this function's calls; null: only the channel's. */
    public io.rpcool.seal.SealRequirement sealRequirement()
    {
        return sealRequirement;
    }

    /**
     * Accept only calls that meet {@code requirement} (or the channel's, if stricter), as
     * {@link Channel#register(int, RpcHandler, io.rpcool.seal.SealRequirement)} does.
     */
    public FunctionOptions sealRequirement(final io.rpcool.seal.SealRequirement requirement)
    {
        this.sealRequirement = requirement;
        return this;
    }
}
