package io.rpcool.mem;

import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.rpcool.mem.JsonNodeDescriptor.*;

/**
 * Reads a shared JSON tree back as Java values or as text for {@link SharedJson#toJava} and
 * {@link SharedJson#toJson}: one walk per call, bounded by {@link TraversalLimits}, refusing a node
 * that is its own ancestor.
 */
final class SharedJsonWalk
{
    private final RegionSet regions;
    private final TraversalLimits limits;
    private final LongHashSet path = new LongHashSet();
    private long nodes;

    SharedJsonWalk(final RegionSet regions, final TraversalLimits limits)
    {
        this.regions = regions;
        this.limits = limits;
    }

    private SharedJsonNode enter(final long address, final int depth)
    {
        if (depth >= limits.maxDepth())
        {
            throw new MalformedStructureException("JSON nested deeper than " + limits.maxDepth());
        }
        if (++nodes > limits.maxNodes())
        {
            throw new MalformedStructureException("JSON has more than " + limits.maxNodes() + " nodes");
        }
        if (!path.add(address))
        {
            throw new MalformedStructureException("JSON node at 0x" + Long.toHexString(address) +
                " is its own ancestor (a cycle)");
        }
        return new SharedJsonNode().wrap(regions, address);
    }

    Object toJava(final long address, final int depth)
    {
        if (address == Allocator.NULL_ADDRESS)
        {
            return null;
        }
        final SharedJsonNode node = enter(address, depth);
        try
        {
            switch (node.kind())
            {
                case KIND_NULL: return null;
                case KIND_BOOLEAN: return node.booleanValue();
                case KIND_LONG: return node.longValue();
                case KIND_DOUBLE: return node.doubleValue();
                case KIND_STRING: return node.stringValue();
                case KIND_ARRAY:
                {
                    final long size = node.size();
                    final List<Object> list = new ArrayList<>((int)Math.min(size, 1024));
                    for (long i = 0; i < size; i++)
                    {
                        list.add(toJava(node.element(i), depth + 1));
                    }
                    return list;
                }
                default:
                {
                    final long size = node.size();
                    final Map<String, Object> map = new LinkedHashMap<>();
                    for (long i = 0; i < size; i++)
                    {
                        map.put(node.memberKey(i), toJava(node.memberValue(i), depth + 1));
                    }
                    return map;
                }
            }
        }
        finally
        {
            path.remove(address);
        }
    }

    void toJson(final long address, final int depth, final StringBuilder sb)
    {
        if (address == Allocator.NULL_ADDRESS)
        {
            sb.append("null");
            return;
        }
        final SharedJsonNode node = enter(address, depth);
        try
        {
            switch (node.kind())
            {
                case KIND_NULL: sb.append("null"); break;
                case KIND_BOOLEAN: sb.append(node.booleanValue()); break;
                case KIND_LONG: sb.append(node.longValue()); break;
                case KIND_DOUBLE:
                {
                    final double d = node.doubleValue();
                    sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
                    break;
                }
                case KIND_STRING: quote(node.stringValue(), sb); break;
                case KIND_ARRAY:
                {
                    sb.append('[');
                    final long size = node.size();
                    for (long i = 0; i < size; i++)
                    {
                        if (i > 0)
                        {
                            sb.append(',');
                        }
                        toJson(node.element(i), depth + 1, sb);
                    }
                    sb.append(']');
                    break;
                }
                default:
                {
                    sb.append('{');
                    final long size = node.size();
                    for (long i = 0; i < size; i++)
                    {
                        if (i > 0)
                        {
                            sb.append(',');
                        }
                        quote(node.memberKey(i), sb);
                        sb.append(':');
                        toJson(node.memberValue(i), depth + 1, sb);
                    }
                    sb.append('}');
                }
            }
        }
        finally
        {
            path.remove(address);
        }
    }

    static void quote(final String s, final StringBuilder sb)
    {
        sb.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
