package io.rpcool.mem;

import static io.rpcool.mem.JsonNodeDescriptor.*;

/**
 * Flyweight reader over one JSON node of {@link SharedJson} (layout in {@link JsonNodeDescriptor}).
 * Child nodes are returned as pointers, to be wrapped in turn; every access is bounds-checked.
 */
public final class SharedJsonNode
{
    private final SharedPointerVector vector = new SharedPointerVector();
    private final SharedString string = new SharedString();
    private RegionSet regions;
    private long address;

    /**
     * @param regions the node must lie in.
     * @param address of the node.
     * @return this flyweight.
     */
    public SharedJsonNode wrap(final RegionSet regions, final long address)
    {
        SharedTypes.checkTag(regions, address, SharedTypes.JSON_NODE);
        regions.checkBounds(address, LENGTH);
        this.regions = regions;
        this.address = address;
        kind();
        return this;
    }

    public long address()
    {
        return address;
    }

    /**
     * @return one of the {@code KIND_} constants of {@link JsonNodeDescriptor}.
     */
    public int kind()
    {
        final int kind = regions.getInt(address + KIND_OFFSET);
        if (kind < KIND_NULL || kind > KIND_OBJECT)
        {
            throw new MalformedStructureException("JSON node at 0x" + Long.toHexString(address) + " has kind " + kind);
        }
        return kind;
    }

    long rawValue()
    {
        return regions.getLong(address + VALUE_OFFSET);
    }

    private void expect(final int kind)
    {
        final int actual = kind();
        if (actual != kind)
        {
            throw new SharedTypeException("JSON node at 0x" + Long.toHexString(address) + " is " + kindName(actual) +
                ", not " + kindName(kind));
        }
    }

    /**
     * @param kind a {@code KIND_} constant.
     * @return its name.
     */
    public static String kindName(final int kind)
    {
        switch (kind)
        {
            case KIND_NULL: return "null";
            case KIND_BOOLEAN: return "boolean";
            case KIND_LONG: return "long";
            case KIND_DOUBLE: return "double";
            case KIND_STRING: return "string";
            case KIND_ARRAY: return "array";
            case KIND_OBJECT: return "object";
            default: return "kind " + kind;
        }
    }

    public boolean isNull()
    {
        return kind() == KIND_NULL;
    }

    public boolean booleanValue()
    {
        expect(KIND_BOOLEAN);
        return rawValue() != 0;
    }

    public long longValue()
    {
        expect(KIND_LONG);
        return rawValue();
    }

    /**
     * @return the number, converting a long node.
     */
    public double doubleValue()
    {
        final int kind = kind();
        if (kind == KIND_LONG)
        {
            return rawValue();
        }
        expect(KIND_DOUBLE);
        return Double.longBitsToDouble(rawValue());
    }

    /**
     * @return pointer to the {@link SharedString} of a string node.
     */
    public long stringAddress()
    {
        expect(KIND_STRING);
        return rawValue();
    }

    public String stringValue()
    {
        return string.wrap(regions, stringAddress()).toString();
    }

    private SharedPointerVector container()
    {
        final int kind = kind();
        if (kind != KIND_ARRAY && kind != KIND_OBJECT)
        {
            throw new SharedTypeException("JSON node at 0x" + Long.toHexString(address) + " is " + kindName(kind) +
                ", not an array or object");
        }
        vector.wrap(regions, rawValue());
        if (kind == KIND_OBJECT && (vector.size() & 1) != 0)
        {
            throw new MalformedStructureException("JSON object at 0x" + Long.toHexString(address) +
                " has an odd member vector");
        }
        return vector;
    }

    /**
     * @return number of elements of an array or members of an object.
     */
    public long size()
    {
        final long size = container().size();
        return kind() == KIND_OBJECT ? size / 2 : size;
    }

    /**
     * @param index of an array element.
     * @return pointer to the element node.
     */
    public long element(final long index)
    {
        expect(KIND_ARRAY);
        return container().get(index);
    }

    /**
     * @param index of an object member.
     * @return pointer to the member's key {@link SharedString}.
     */
    public long memberKeyAddress(final long index)
    {
        expect(KIND_OBJECT);
        checkMember(index);
        return container().get(2 * index);
    }

    /**
     * @param index of an object member.
     * @return the member's key.
     */
    public String memberKey(final long index)
    {
        return string.wrap(regions, memberKeyAddress(index)).toString();
    }

    /**
     * @param index of an object member.
     * @return pointer to the member's value node.
     */
    public long memberValue(final long index)
    {
        expect(KIND_OBJECT);
        checkMember(index);
        return container().get(2 * index + 1);
    }

    private void checkMember(final long index)
    {
        if (index < 0 || index > Long.MAX_VALUE / 2 - 1)
        {
            throw new IndexOutOfBoundsException("member " + index);
        }
    }

    /**
     * @param key of a member.
     * @return pointer to the member's value node, or {@link Allocator#NULL_ADDRESS} if absent.
     */
    public long member(final String key)
    {
        expect(KIND_OBJECT);
        final SharedPointerVector members = container();
        final long size = members.size();
        final byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (long i = 0; i < size; i += 2)
        {
            if (string.wrap(regions, members.get(i)).contentEquals(bytes, bytes.length))
            {
                return members.get(i + 1);
            }
        }
        return Allocator.NULL_ADDRESS;
    }
}
