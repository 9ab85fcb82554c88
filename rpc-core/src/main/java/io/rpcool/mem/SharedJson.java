package io.rpcool.mem;

import org.agrona.collections.LongHashSet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        final Parser parser = new Parser(text);
        parser.skipWhitespace();
        final long root = parser.value(0);
        parser.skipWhitespace();
        if (parser.position != text.length())
        {
            throw parser.error("trailing characters");
        }
        return root;
    }

    private final class Parser
    {
        private final CharSequence text;
        private int position;
        private final StringBuilder sb = new StringBuilder();

        Parser(final CharSequence text)
        {
            this.text = text;
        }

        IllegalArgumentException error(final String message)
        {
            return new IllegalArgumentException("invalid JSON at " + position + ": " + message);
        }

        void skipWhitespace()
        {
            while (position < text.length())
            {
                final char c = text.charAt(position);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                {
                    break;
                }
                position++;
            }
        }

        char peek()
        {
            if (position >= text.length())
            {
                throw error("unexpected end");
            }
            return text.charAt(position);
        }

        void expect(final char c)
        {
            if (peek() != c)
            {
                throw error("expected '" + c + "'");
            }
            position++;
        }

        void literal(final String word)
        {
            for (int i = 0; i < word.length(); i++)
            {
                expect(word.charAt(i));
            }
        }

        long value(final int depth)
        {
            if (depth > TraversalLimits.DEFAULT.maxDepth())
            {
                throw error("nested deeper than " + TraversalLimits.DEFAULT.maxDepth());
            }
            final char c = peek();
            switch (c)
            {
                case '{':
                {
                    position++;
                    final long object = objectNode();
                    skipWhitespace();
                    if (peek() == '}')
                    {
                        position++;
                        return object;
                    }
                    while (true)
                    {
                        skipWhitespace();
                        final String key = string();
                        skipWhitespace();
                        expect(':');
                        skipWhitespace();
                        put(object, key, value(depth + 1));
                        skipWhitespace();
                        if (peek() == ',')
                        {
                            position++;
                            continue;
                        }
                        expect('}');
                        return object;
                    }
                }
                case '[':
                {
                    position++;
                    final long array = arrayNode();
                    skipWhitespace();
                    if (peek() == ']')
                    {
                        position++;
                        return array;
                    }
                    while (true)
                    {
                        skipWhitespace();
                        add(array, value(depth + 1));
                        skipWhitespace();
                        if (peek() == ',')
                        {
                            position++;
                            continue;
                        }
                        expect(']');
                        return array;
                    }
                }
                case '"':
                    return stringNode(string());
                case 't':
                    literal("true");
                    return booleanNode(true);
                case 'f':
                    literal("false");
                    return booleanNode(false);
                case 'n':
                    literal("null");
                    return nullNode();
                default:
                    return number();
            }
        }

        String string()
        {
            expect('"');
            sb.setLength(0);
            while (true)
            {
                final char c = peek();
                position++;
                if (c == '"')
                {
                    return sb.toString();
                }
                if (c < 0x20)
                {
                    throw error("control character in string");
                }
                if (c != '\\')
                {
                    sb.append(c);
                    continue;
                }
                final char e = peek();
                position++;
                switch (e)
                {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (position + 4 > text.length())
                        {
                            throw error("short unicode escape");
                        }
                        try
                        {
                            sb.append((char)Integer.parseInt(text.subSequence(position, position + 4).toString(), 16));
                        }
                        catch (final NumberFormatException ex)
                        {
                            throw error("bad unicode escape");
                        }
                        position += 4;
                        break;
                    default:
                        throw error("bad escape '\\" + e + "'");
                }
            }
        }

        long number()
        {
            final int start = position;
            boolean integral = true;
            if (position < text.length() && text.charAt(position) == '-')
            {
                position++;
            }
            while (position < text.length())
            {
                final char c = text.charAt(position);
                if (c >= '0' && c <= '9')
                {
                    position++;
                }
                else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
                {
                    integral = false;
                    position++;
                }
                else
                {
                    break;
                }
            }
            final String token = text.subSequence(start, position).toString();
            if (token.isEmpty() || token.equals("-") || !token.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"))
            {
                position = start;
                throw error("unexpected character '" + peek() + "'");
            }
            if (integral)
            {
                try
                {
                    return longNode(Long.parseLong(token));
                }
                catch (final NumberFormatException ex)
                {
                    return doubleNode(new BigDecimal(token).doubleValue());
                }
            }
            return doubleNode(Double.parseDouble(token));
        }
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
        return new Walk(regions, limits).toJava(root, 0);
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
        new Walk(regions, limits).toJson(root, 0, sb);
        return sb.toString();
    }

    private static final class Walk
    {
        private final RegionSet regions;
        private final TraversalLimits limits;
        private final LongHashSet path = new LongHashSet();
        private long nodes;

        Walk(final RegionSet regions, final TraversalLimits limits)
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
