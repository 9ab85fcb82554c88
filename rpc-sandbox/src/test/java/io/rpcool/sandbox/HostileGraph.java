package io.rpcool.sandbox;

import static io.rpcool.sandbox.GraphWalker.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;

/**
 * A random pointer graph a hostile sender lays out in an RPC buffer: nodes in the buffer, plus
 * pointers past its end, straddling its end, into another connection's heap, into the same heap
 * outside the buffer, into unmapped pages, into the JVM's own memory, at random addresses and into
 * the middle of nodes; back edges (cycles), shared children and huge or negative text lengths.
 * {@link #expected()} is the model: what {@link GraphWalker} must end with when it reads the
 * buffer alone.
 */
public final class HostileGraph
{
    /** Where a pointer goes. */
    public enum Target
    {
        NODE, NULL, PAST_END, STRADDLE, OTHER_HEAP, SAME_HEAP, UNMAPPED, JVM_MEMORY, RANDOM, INTERIOR
    }

    /** What a walk ends with. */
    public enum Result
    {
        OK, VIOLATION, MALFORMED, TYPE
    }

    /** The model's outcome: a result, and the sum when it is {@link Result#OK}. */
    public record Outcome(Result result, long sum)
    {
    }

    /** Addresses outside the buffer that a hostile pointer may name; each holds a secret node if readable. */
    public record Targets(long otherHeap, long sameHeap, long unmapped, long unmappedLength, long jvmMemory)
    {
    }

    /** A value planted in every node outside the buffer: seeing it in a result means a leak. */
    public static final long SECRET = 0x5ec2e7_5ec2e7L;

    record Edge(Target target, int node, long address)
    {
    }

    static final class Node
    {
        int kind;
        long value;
        long declaredLength;
        byte[] text;
        final List<Edge> children = new ArrayList<>();
        long address;
    }

    private final List<Node> nodes = new ArrayList<>();
    private Edge root;
    private final MemoryRegion buffer;

    private HostileGraph(final MemoryRegion buffer)
    {
        this.buffer = buffer;
    }

    /**
     * Generate and lay out a graph in {@code buffer} (an RPC buffer region whose bytes past its
     * header are free), writing through {@code writer}.
     *
     * @return the graph; {@link #root()} is the pointer to send.
     */
    public static HostileGraph build(final SplittableRandom rnd, final MemoryRegion buffer, final long firstFree,
        final RegionSet writer, final Targets targets)
    {
        final HostileGraph g = new HostileGraph(buffer);
        final double hostility = new double[] {0, 0.01, 0.04, 0.12, 0.35}[rnd.nextInt(5)];
        final int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 6 : 24);
        long at = firstFree;
        for (int i = 0; i < n; i++)
        {
            final Node node = new Node();
            node.kind = rnd.nextInt(4) == 0 ? TEXT : INNER;
            long value = rnd.nextLong();
            if ((int)value == NODE_TAG)
            {
                value ^= 1;
            }
            node.value = value;
            final int length;
            if (node.kind == TEXT)
            {
                node.text = new byte[rnd.nextInt(40)];
                rnd.nextBytes(node.text);
                node.declaredLength = node.text.length;
                if (rnd.nextDouble() < hostility)
                {
                    final long[] huge = {-1, -rnd.nextInt(1 << 20) - 1, buffer.length() + rnd.nextInt(4096),
                        1L << 40, Long.MAX_VALUE, Integer.MAX_VALUE};
                    node.declaredLength = huge[rnd.nextInt(huge.length)];
                }
                length = HEADER + node.text.length;
            }
            else
            {
                final int children = rnd.nextInt(5);
                for (int c = 0; c < children; c++)
                {
                    node.children.add(null);
                }
                length = HEADER + 8 * children;
            }
            node.address = at;
            at = (at + length + 7) & ~7L;
            g.nodes.add(node);
        }
        if (at > buffer.end() - 8)
        {
            throw new IllegalStateException("buffer too small for the graph");
        }
        for (int i = 0; i < n; i++)
        {
            final Node node = g.nodes.get(i);
            for (int c = 0; c < node.children.size(); c++)
            {
                node.children.set(c, g.edge(rnd, hostility, i, targets));
            }
        }
        g.root = rnd.nextDouble() < hostility / 4 ? g.edge(rnd, 1.0, 0, targets) : new Edge(Target.NODE, 0, g.nodes.get(0).address);
        g.write(writer);
        return g;
    }

    private Edge edge(final SplittableRandom rnd, final double hostility, final int from, final Targets t)
    {
        if (rnd.nextDouble() >= hostility)
        {
            if (rnd.nextInt(12) == 0)
            {
                return new Edge(Target.NULL, -1, 0);
            }
            final int to = rnd.nextInt(10) == 0 || from + 1 >= nodes.size() ?
                rnd.nextInt(nodes.size()) : from + 1 + rnd.nextInt(nodes.size() - from - 1);
            return new Edge(Target.NODE, to, nodes.get(to).address);
        }
        final Target target = Target.values()[2 + rnd.nextInt(Target.values().length - 2)];
        switch (target)
        {
            case PAST_END:
                return new Edge(target, -1, buffer.end() + 8L * rnd.nextInt(64));
            case STRADDLE:
                return new Edge(target, -1, buffer.end() - 8);
            case OTHER_HEAP:
                return new Edge(target, -1, t.otherHeap());
            case SAME_HEAP:
                return new Edge(target, -1, t.sameHeap());
            case UNMAPPED:
                return new Edge(target, -1, t.unmapped() + (rnd.nextLong(t.unmappedLength()) & ~7L));
            case JVM_MEMORY:
                return new Edge(target, -1, t.jvmMemory());
            case RANDOM:
            {
                long a;
                do
                {
                    a = rnd.nextLong();
                }
                while (a == 0 || buffer.contains(a, 1) || (a >= t.unmapped() && a < t.unmapped() + t.unmappedLength()));
                return new Edge(target, -1, a);
            }
            case INTERIOR:
            {
                final int to = rnd.nextInt(nodes.size());
                return new Edge(target, to, nodes.get(to).address + 8);
            }
            default:
                throw new IllegalStateException(target.name());
        }
    }

    private void write(final RegionSet w)
    {
        // The last 8 bytes of the buffer start a node that runs past its end.
        w.putInt(buffer.end() - 8, NODE_TAG);
        w.putInt(buffer.end() - 4, INNER);
        for (final Node node : nodes)
        {
            w.putInt(node.address, NODE_TAG);
            w.putInt(node.address + 4, node.kind);
            w.putLong(node.address + 8, node.value);
            if (node.kind == TEXT)
            {
                w.putLong(node.address + 16, node.declaredLength);
                w.putBytes(node.address + HEADER, node.text, 0, node.text.length);
            }
            else
            {
                w.putLong(node.address + 16, node.children.size());
                for (int c = 0; c < node.children.size(); c++)
                {
                    w.putLong(node.address + HEADER + 8L * c, node.children.get(c).address());
                }
            }
        }
    }

    /** The pointer to send. */
    public long root()
    {
        return root.address();
    }

    /** Write a secret node (what a hostile pointer must never reveal) at {@code address}. */
    public static void plantSecret(final RegionSet w, final long address)
    {
        w.putInt(address, NODE_TAG);
        w.putInt(address + 4, INNER);
        w.putLong(address + 8, SECRET);
        w.putLong(address + 16, 0);
    }

    /** Bytes a secret node takes. */
    public static int secretLength()
    {
        return HEADER;
    }

    /** The model: what walking the buffer alone must give. */
    public Outcome expected()
    {
        final int[] budget = {MAX_NODES};
        try
        {
            return new Outcome(Result.OK, walk(root, 0, budget));
        }
        catch (final Stop stop)
        {
            return new Outcome(stop.result, 0);
        }
    }

    /** Whether the graph has any edge that leaves the buffer (reachable or not). */
    public boolean hostile()
    {
        if (root.target() != Target.NODE)
        {
            return true;
        }
        for (final Node node : nodes)
        {
            if (node.kind == TEXT && node.declaredLength != node.text.length)
            {
                return true;
            }
            for (final Edge e : node.children)
            {
                if (e.target() != Target.NODE && e.target() != Target.NULL)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static final class Stop extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final Result result;

        Stop(final Result result)
        {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private long walk(final Edge e, final int depth, final int[] budget)
    {
        if (e.target() == Target.NULL)
        {
            return 0;
        }
        if (depth > MAX_DEPTH || --budget[0] < 0)
        {
            throw new Stop(Result.MALFORMED);
        }
        switch (e.target())
        {
            case NODE:
                break;
            case INTERIOR:
                throw new Stop(Result.TYPE);
            default:
                throw new Stop(Result.VIOLATION);
        }
        final Node node = nodes.get(e.node());
        long sum = node.value;
        if (node.kind == TEXT)
        {
            if (node.declaredLength < 0)
            {
                throw new Stop(Result.MALFORMED);
            }
            if (node.declaredLength != node.text.length)
            {
                throw new Stop(Result.VIOLATION);
            }
            for (final byte b : node.text)
            {
                sum += b & 0xff;
            }
            return sum;
        }
        for (final Edge child : node.children)
        {
            sum += walk(child, depth + 1, budget);
        }
        return sum;
    }
}
