package io.rpcool.examples.cooldb.shm;

import static io.rpcool.mem.JsonNodeDescriptor.KIND_BOOLEAN;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_DOUBLE;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_LONG;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_NULL;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_STRING;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.rpcool.mem.JsonNodeDescriptor;
import io.rpcool.mem.SharedString;
import io.rpcool.mem.SharedTypes;
import io.rpcool.mem.StringDescriptor;
import io.rpcool.mem.VectorDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes {@link io.rpcool.mem.SharedJson} nodes, strings and pointer vectors one after another into
 * one contiguous block of shared memory the caller allocated (from an {@link io.rpcool.mem.RpcBuffer}):
 * a document built this way is a normal SharedJson tree, readable with {@link io.rpcool.mem.SharedJsonNode},
 * but costs one allocation instead of one per node, and its vectors are sized exactly.
 * <p>
 * Sizes: a node is {@value #NODE_LENGTH} bytes, a string {@link #stringLength(int)}, a vector of n
 * pointers {@link #vectorLength(long)}; every piece is 8-byte aligned.
 */
public final class JsonBlockWriter
{
    public static final int NODE_LENGTH = JsonNodeDescriptor.LENGTH;

    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private long base;
    private int position;

    /**
     * @param address first byte of the block.
     * @param length  of the block.
     * @return this writer, at the start of the block.
     */
    public JsonBlockWriter wrap(final long address, final int length)
    {
        buffer.wrap(address, length);
        base = address;
        position = 0;
        return this;
    }

    /**
     * @return bytes written so far.
     */
    public int used()
    {
        return position;
    }

    /**
     * @param utf8Length bytes of a string.
     * @return bytes the string takes.
     */
    public static int stringLength(final int utf8Length)
    {
        return align(StringDescriptor.HEADER_LENGTH + utf8Length);
    }

    /**
     * @param elements pointers in a vector.
     * @return bytes the vector takes, header and elements.
     */
    public static long vectorLength(final long elements)
    {
        return VectorDescriptor.HEADER_LENGTH + elements * VectorDescriptor.ELEMENT_LENGTH;
    }

    private static int align(final int length)
    {
        return (length + 7) & -8;
    }

    private int claim(final int length)
    {
        final int offset = position;
        if (length > buffer.capacity() - offset)
        {
            throw new IllegalStateException("block of " + buffer.capacity() + " bytes is too small: " + offset + " used, " +
                length + " more wanted");
        }
        position = offset + length;
        return offset;
    }

    /**
     * @param utf8 bytes.
     * @return address of a new {@link SharedString}.
     */
    public long string(final byte[] utf8)
    {
        final int offset = claim(stringLength(utf8.length));
        buffer.putInt(offset + StringDescriptor.TAG_OFFSET, SharedTypes.STRING);
        buffer.putInt(offset + StringDescriptor.LENGTH_OFFSET, utf8.length);
        buffer.putInt(offset + StringDescriptor.HASH_OFFSET, SharedString.hash(utf8, 0, utf8.length));
        buffer.putInt(offset + StringDescriptor.HASH_OFFSET + 4, 0);
        buffer.putBytes(offset + StringDescriptor.HEADER_LENGTH, utf8);
        return base + offset;
    }

    /**
     * @param kind  a {@code KIND_} constant of {@link JsonNodeDescriptor}.
     * @param value the node's value word.
     * @return address of the new node.
     */
    public long node(final int kind, final long value)
    {
        final int offset = claim(NODE_LENGTH);
        buffer.putInt(offset + JsonNodeDescriptor.TAG_OFFSET, SharedTypes.JSON_NODE);
        buffer.putInt(offset + JsonNodeDescriptor.KIND_OFFSET, kind);
        buffer.putLong(offset + JsonNodeDescriptor.VALUE_OFFSET, value);
        return base + offset;
    }

    public long stringNode(final byte[] utf8)
    {
        final long string = string(utf8);
        return node(KIND_STRING, string);
    }

    public long longNode(final long value)
    {
        return node(KIND_LONG, value);
    }

    public long booleanNode(final boolean value)
    {
        return node(KIND_BOOLEAN, value ? 1 : 0);
    }

    /**
     * A full vector of {@code elements} pointers (size = capacity), to be filled with {@link #element}.
     *
     * @param role     a {@code ROLE_} constant of {@link VectorDescriptor}.
     * @param elements number of pointers.
     * @return address of the vector.
     */
    public long vector(final int role, final int elements)
    {
        final int offset = claim((int)vectorLength(elements));
        buffer.putInt(offset + VectorDescriptor.TAG_OFFSET, SharedTypes.POINTER_VECTOR);
        buffer.putInt(offset + VectorDescriptor.ROLE_OFFSET, role);
        buffer.putLong(offset + VectorDescriptor.SIZE_OFFSET, elements);
        buffer.putLong(offset + VectorDescriptor.CAPACITY_OFFSET, elements);
        buffer.putLong(offset + VectorDescriptor.ELEMENTS_OFFSET,
            elements == 0 ? 0 : base + offset + VectorDescriptor.HEADER_LENGTH);
        return base + offset;
    }

    /**
     * @param vector  address returned by {@link #vector(int, int)}.
     * @param index   of the element.
     * @param pointer to store.
     */
    public void element(final long vector, final int index, final long pointer)
    {
        buffer.putLong((int)(vector - base) + VectorDescriptor.HEADER_LENGTH + index * VectorDescriptor.ELEMENT_LENGTH,
            pointer);
    }

    /**
     * @param vector address returned by {@link #vector(int, int)}.
     * @return address of its first element.
     */
    public static long elementsAddress(final long vector)
    {
        return vector + VectorDescriptor.HEADER_LENGTH;
    }

    /**
     * Bytes {@link #value(Object)} writes for a Java JSON value ({@code Map} with string keys, {@code List},
     * {@code String}, {@code Boolean}, integral numbers, other numbers, null).
     *
     * @param value the value.
     * @return its length in shared memory.
     */
    public static long length(final Object value)
    {
        if (value instanceof String)
        {
            return NODE_LENGTH + stringLength(utf8((String)value).length);
        }
        if (value instanceof Map)
        {
            final Map<?, ?> map = (Map<?, ?>)value;
            long length = NODE_LENGTH + vectorLength(2L * map.size());
            for (final Map.Entry<?, ?> e : map.entrySet())
            {
                length += stringLength(utf8(key(e.getKey())).length) + length(e.getValue());
            }
            return length;
        }
        if (value instanceof List)
        {
            final List<?> list = (List<?>)value;
            long length = NODE_LENGTH + vectorLength(list.size());
            for (final Object element : list)
            {
                length += length(element);
            }
            return length;
        }
        return NODE_LENGTH;
    }

    /**
     * Write a Java JSON value (see {@link #length(Object)}).
     *
     * @param value the value.
     * @return address of its node.
     */
    public long value(final Object value)
    {
        if (value == null)
        {
            return node(KIND_NULL, 0);
        }
        if (value instanceof String)
        {
            return stringNode(utf8((String)value));
        }
        if (value instanceof Boolean)
        {
            return booleanNode((Boolean)value);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            return longNode(((Number)value).longValue());
        }
        if (value instanceof Number)
        {
            return node(KIND_DOUBLE, Double.doubleToRawLongBits(((Number)value).doubleValue()));
        }
        if (value instanceof Map)
        {
            final Map<?, ?> map = (Map<?, ?>)value;
            final long members = vector(VectorDescriptor.ROLE_JSON_MEMBERS, 2 * map.size());
            final long node = node(JsonNodeDescriptor.KIND_OBJECT, members);
            int i = 0;
            for (final Map.Entry<?, ?> e : map.entrySet())
            {
                element(members, i++, string(utf8(key(e.getKey()))));
                element(members, i++, value(e.getValue()));
            }
            return node;
        }
        if (value instanceof List)
        {
            final List<?> list = (List<?>)value;
            final long elements = vector(VectorDescriptor.ROLE_JSON_ARRAY, list.size());
            final long node = node(JsonNodeDescriptor.KIND_ARRAY, elements);
            int i = 0;
            for (final Object element : list)
            {
                element(elements, i++, value(element));
            }
            return node;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }

    private static String key(final Object key)
    {
        if (!(key instanceof String))
        {
            throw new IllegalArgumentException("JSON object keys must be strings: " + key);
        }
        return (String)key;
    }

    static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
