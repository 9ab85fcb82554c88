package io.rpcool.sandbox;

import io.rpcool.mem.MalformedStructureException;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedTypeException;

/**
 * The handler under test: walks a pointer graph a client built and sums it, reading only through
 * the regions it is given. Layout of a node (8-byte aligned):
 *
 * <pre>
 *   0 int  tag (NODE_TAG)      4 int kind (INNER or TEXT)
 *   8 long value              16 long count: children (INNER) or bytes (TEXT)
 *  24 long children[count] | byte text[count]
 * </pre>
 *
 * Sum of a node: its value plus the sums of its children (INNER) or the unsigned bytes of its
 * text (TEXT); a null child adds 0. Walks deeper than {@link #MAX_DEPTH} or longer than
 * {@link #MAX_NODES} nodes are malformed (cycles end there).
 */
public final class GraphWalker
{
    public static final int NODE_TAG = 0x4e4f4445;
    public static final int INNER = 1;
    public static final int TEXT = 2;
    public static final int HEADER = 24;
    public static final int MAX_DEPTH = 24;
    public static final int MAX_NODES = 2000;

    private final RegionSet r;
    private int budget;

    public GraphWalker(final RegionSet regions)
    {
        this.r = regions;
    }

    public long sum(final long root)
    {
        budget = MAX_NODES;
        return walk(root, 0);
    }

    /** Nodes visited by the last {@link #sum(long)}. */
    public int visited()
    {
        return MAX_NODES - budget;
    }

    private long walk(final long p, final int depth)
    {
        if (p == 0)
        {
            return 0;
        }
        if (depth > MAX_DEPTH)
        {
            throw new MalformedStructureException("graph deeper than " + MAX_DEPTH);
        }
        if (--budget < 0)
        {
            throw new MalformedStructureException("graph has more than " + MAX_NODES + " nodes");
        }
        final int tag = r.getInt(p);
        if (tag != NODE_TAG)
        {
            throw new SharedTypeException("no node at 0x" + Long.toHexString(p));
        }
        final int kind = r.getInt(p + 4);
        final long value = r.getLong(p + 8);
        final long count = r.getLong(p + 16);
        if (count < 0)
        {
            throw new MalformedStructureException("negative count " + count);
        }
        long sum = value;
        if (kind == TEXT)
        {
            r.checkBounds(p + HEADER, count);
            final byte[] text = new byte[(int)count];
            r.getBytes(p + HEADER, text, 0, text.length);
            for (final byte b : text)
            {
                sum += b & 0xff;
            }
        }
        else if (kind == INNER)
        {
            for (long i = 0; i < count; i++)
            {
                sum += walk(r.getLong(p + HEADER + 8 * i), depth + 1);
            }
        }
        else
        {
            throw new SharedTypeException("node kind " + kind);
        }
        return sum;
    }
}
