package io.rpcool.mem;

/**
 * Bounds on a walk over a pointer structure read from shared memory. A peer can make a node point
 * back at its ancestor or share one child many times over; the depth bound turns such a cycle into
 * a {@link MalformedStructureException} long before the reader's stack is exhausted, and the node
 * bound caps the work a hostile structure can cause.
 *
 * @param maxDepth maximum nesting depth of the walk.
 * @param maxNodes maximum number of nodes visited in one walk.
 */
public record TraversalLimits(int maxDepth, long maxNodes)
{
    /**
     * Limits used when none are given: nesting up to 512 levels, up to 64 M nodes.
     */
    public static final TraversalLimits DEFAULT = new TraversalLimits(512, 1L << 26);

    public TraversalLimits
    {
        if (maxDepth < 1 || maxNodes < 1)
        {
            throw new IllegalArgumentException("limits must be positive: depth=" + maxDepth + " nodes=" + maxNodes);
        }
    }
}
