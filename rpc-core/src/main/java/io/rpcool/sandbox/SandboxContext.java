package io.rpcool.sandbox;

import io.rpcool.mem.Allocator;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.RpcBuffer;

/**
 * Inside a sandbox: the views every read and write of shared data goes through, the scratch
 * allocator for temporary objects, the allocator for results, and the variables passed in.
 * Valid only while the sandbox's body runs; afterwards the views refuse every access.
 */
public final class SandboxContext
{
    private final MemoryRegion region;
    private final RegionSet views;
    private final Allocator scratch;
    private final Object[] vars;
    private RpcBuffer results;
    private long resultsUsedAtStart;

    SandboxContext(final MemoryRegion region, final RegionSet views, final Allocator scratch, final Object[] vars)
    {
        this.region = region;
        this.views = views;
        this.scratch = scratch;
        this.vars = vars;
    }

    /** The region the sandbox is confined to. */
    public MemoryRegion region()
    {
        return region;
    }

    /**
     * The sandbox's views: its region, any regions it was also given (a call's request and reply
     * buffers) and its scratch area. Read pointer-rich arguments through these, e.g.
     * {@code SharedObjects.materialize(sb.regions(), ptr, Order.class)}; an access outside them is a
     * sandbox violation.
     */
    public RegionSet regions()
    {
        return views;
    }

    /** Allocator for temporary objects; everything in it is discarded when the sandbox exits. */
    public Allocator scratch()
    {
        return scratch;
    }

    /**
     * Allocator for results the caller keeps: the RPC buffer that is the sandbox's region. Objects
     * allocated here stay after the sandbox exits (unless it ends in a violation: then they are
     * zeroed).
     *
     * @throws io.rpcool.mem.SharedTypeException if the region is not an RPC buffer.
     */
    public Allocator results()
    {
        if (results == null)
        {
            final RpcBuffer buffer = RpcBuffer.attach(views, region.base());
            resultsUsedAtStart = buffer.used();
            results = buffer;
        }
        return results;
    }

    /** Number of variables passed in. */
    public int varCount()
    {
        return vars.length;
    }

    /**
     * A variable as passed to {@link Sandbox#call}; for a {@link SharedVar}, the {@code Long}
     * address of its copy in scratch.
     */
    public Object var(final int index)
    {
        return vars[index];
    }

    /** The address of the scratch copy of a {@link SharedVar}, or a {@code Long} variable. */
    public long pointerVar(final int index)
    {
        final Object v = vars[index];
        if (!(v instanceof Long))
        {
            throw new IllegalArgumentException("variable " + index + " is not a pointer: " + v);
        }
        return (Long)v;
    }

    /** Zero what was allocated in the results buffer during this entry (after a violation). */
    void scrubResults()
    {
        if (results != null)
        {
            final long used = results.used();
            if (used > resultsUsedAtStart)
            {
                final long from = results.address() + results.length() - results.capacity() + resultsUsedAtStart;
                results.regions().setMemory(from, used - resultsUsedAtStart, (byte)0);
            }
        }
    }
}
