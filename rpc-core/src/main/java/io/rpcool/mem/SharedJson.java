package io.rpcool.mem;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static io.rpcool.mem.JsonNodeDescriptor.*;

/**
 * JSON documents in shared memory: a tree of nodes (layout in {@link JsonNodeDescriptor}) built by
 * pointer, read in place with {@link SharedJsonNode}.
 * <p>
 * An instance builds nodes with one allocator: node by node ({@link #objectNode()},
 * {@link #put(long, String, long)}, ...), from Java values ({@link #fromJava(Object)}), or from JSON
 * text ({@link #parse(CharSequence)}). The static readers turn a tree back into Java values or text;
 * they bound their walk with {@link TraversalLimits} and reject a node that is its own ancestor, so
 * a hostile document cannot make them loop or exhaust the stack.
 * <p>
 * Objects keep their members in insertion order and find a key by a linear scan, which suits the
 * small objects of typical documents.
 * <p>
 * Text goes in through {@link SharedJsonParser}; trees come out through {@link SharedJsonWalk}.
 */
public final class SharedJson
{
    private final Allocator allocator;
    private final RegionSet regions;
    private final SharedPointerVector vector = new SharedPointerVector();
    private final SharedString string = new SharedString();

    /**
     * @param allocator to build nodes with.
     */
    public SharedJson(final Allocator allocator)
    {
        this.allocator = allocator;
        this.regions = allocator.regions();
    }

    private long node(final int kind, final long value)
    {
        final long address = allocator.allocateOrThrow(LENGTH);
        regions.putInt(address + TAG_OFFSET, SharedTypes.JSON_NODE);
        regions.putInt(address + KIND_OFFSET, kind);
        regions.putLong(address + VALUE_OFFSET, value);
        return address;
    }

    public long nullNode()
    {
        return node(KIND_NULL, 0);
    }

    public long booleanNode(final boolean value)
    {
        return node(KIND_BOOLEAN, value ? 1 : 0);
    }

    public long longNode(final long value)
    {
        return node(KIND_LONG, value);
    }

    public long doubleNode(final double value)
    {
        return node(KIND_DOUBLE, Double.doubleToRawLongBits(value));
    }

    public long stringNode(final String value)
    {
        return node(KIND_STRING, SharedString.allocate(allocator, value));
    }

    public long arrayNode()
    {
        return node(KIND_ARRAY, SharedPointerVector.allocate(allocator, VectorDescriptor.ROLE_JSON_ARRAY, 0));
    }

    public long objectNode()
    {
        return node(KIND_OBJECT, SharedPointerVector.allocate(allocator, VectorDescriptor.ROLE_JSON_MEMBERS, 0));
    }

    /**
     * Append an element to an array node.
     *
     * @param array   node.
     * @param element node.
     * @return this builder.
     */
    public SharedJson add(final long array, final long element)
    {
        checkKind(array, KIND_ARRAY);
        vector.wrap(allocator, regions.getLong(array + VALUE_OFFSET)).add(element);
        return this;
    }

    /**
     * Set a member of an object node, replacing the value of an existing key.
     *
     * @param object node.
     * @param key    of the member.
     * @param value  node.
     * @return this builder.
     */
    public SharedJson put(final long object, final String key, final long value)
    {
        checkKind(object, KIND_OBJECT);
        final SharedPointerVector members = vector.wrap(allocator, regions.getLong(object + VALUE_OFFSET));
        final long size = members.size();
        for (long i = 0; i < size; i += 2)
        {
            if (string.wrap(regions, members.get(i)).contentEquals(key))
            {
                members.set(i + 1, value);
                return this;
            }
        }
        members.ensureCapacity(size + 2);
        members.add(SharedString.allocate(allocator, key)).add(value);
        return this;
    }

    private void checkKind(final long node, final int kind)
    {
        SharedTypes.checkTag(regions, node, SharedTypes.JSON_NODE);
        final int actual = regions.getInt(node + KIND_OFFSET);
        if (actual != kind)
        {
            throw new SharedTypeException("JSON node at 0x" + Long.toHexString(node) + " is " +
                SharedJsonNode.kindName(actual) + ", not " + SharedJsonNode.kindName(kind));
        }
    }

    /**
     * Build a tree from Java values: {@code Map} with string keys, {@code List} or array of objects,
     * {@code String}, {@code Boolean}, integral numbers (as long), other numbers (as double), null.
     *
     * @param value the Java value.
     * @return pointer to the root node.
     */
    public long fromJava(final Object value)
    {
        return fromJava(value, 0);
    }

    private long fromJava(final Object value, final int depth)
    {
        if (depth > TraversalLimits.DEFAULT.maxDepth())
        {
            throw new IllegalArgumentException("JSON value nested deeper than " + TraversalLimits.DEFAULT.maxDepth() +
                " (a cycle?)");
        }
        if (value == null)
        {
            return nullNode();
        }
        if (value instanceof String)
        {
            return stringNode((String)value);
        }
        if (value instanceof Boolean)
        {
            return booleanNode((Boolean)value);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            return longNode(((Number)value).longValue());
        }
        if (value instanceof BigInteger && ((BigInteger)value).bitLength() < 64)
        {
            return longNode(((BigInteger)value).longValue());
        }
        if (value instanceof Number)
        {
            return doubleNode(((Number)value).doubleValue());
        }
        if (value instanceof Map)
        {
            final long object = objectNode();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>)value).entrySet())
            {
                if (!(e.getKey() instanceof String))
                {
                    throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
                }
                put(object, (String)e.getKey(), fromJava(e.getValue(), depth + 1));
            }
            return object;
        }
        if (value instanceof Iterable)
        {
            final long array = arrayNode();
            for (final Object element : (Iterable<?>)value)
            {
                add(array, fromJava(element, depth + 1));
            }
            return array;
        }
        if (value instanceof Object[])
        {
            return fromJava(List.of((Object[])value), depth);
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }

    /**
     * Parse JSON text straight into shared memory.
     *
     * @param text JSON text (RFC 8259).
     * @return pointer to the root node.
     * @throws IllegalArgumentException if the text is not valid JSON or nests deeper than the default
     *                                  {@link TraversalLimits}.
     */
    public long parse(final CharSequence text)
    {
        final SharedJsonParser parser = new SharedJsonParser(this, text);
        parser.skipWhitespace();
        final long root = parser.value(0);
        parser.skipWhitespace();
        if (parser.position() != text.length())
        {
            throw parser.error("trailing characters");
        }
        return root;
    }


    /**
     * Rebuild Java values from a tree: {@code LinkedHashMap<String, Object>}, {@code ArrayList<Object>},
     * {@code String}, {@code Long}, {@code Double}, {@code Boolean}, null.
     *
     * @param regions the tree must lie in.
     * @param root    pointer to the root node; 0 reads as null.
     * @return the Java value.
     */
    public static Object toJava(final RegionSet regions, final long root)
    {
        return toJava(regions, root, TraversalLimits.DEFAULT);
    }

    /**
     * @param regions the tree must lie in.
     * @param root    pointer to the root node.
     * @param limits  bounds on the walk.
     * @return the Java value.
     * @throws MalformedStructureException on a cycle or when the limits are exceeded.
     */
    public static Object toJava(final RegionSet regions, final long root, final TraversalLimits limits)
    {
        return new SharedJsonWalk(regions, limits).toJava(root, 0);
    }

    /**
     * Serialise a tree as compact JSON text.
     *
     * @param regions the tree must lie in.
     * @param root    pointer to the root node.
     * @return the JSON text.
     */
    public static String toJson(final RegionSet regions, final long root)
    {
        return toJson(regions, root, TraversalLimits.DEFAULT);
    }

    /**
     * @param regions the tree must lie in.
     * @param root    pointer to the root node.
     * @param limits  bounds on the walk.
     * @return the JSON text.
     */
    public static String toJson(final RegionSet regions, final long root, final TraversalLimits limits)
    {
        final StringBuilder sb = new StringBuilder();
        new SharedJsonWalk(regions, limits).toJson(root, 0, sb);
        return sb.toString();
    }
}
