package io.rpcool.examples.cooldb.shm;

import static io.rpcool.mem.JsonNodeDescriptor.KIND_ARRAY;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_LONG;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_NULL;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_OBJECT;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_OFFSET;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_STRING;
import static io.rpcool.mem.JsonNodeDescriptor.VALUE_OFFSET;

import io.rpcool.examples.cooldb.store.DocumentFields;
import io.rpcool.examples.cooldb.store.ValueReader;
import io.rpcool.mem.JsonNodeDescriptor;
import io.rpcool.mem.MalformedStructureException;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedString;
import io.rpcool.mem.SharedTypeException;
import io.rpcool.mem.SharedTypes;
import io.rpcool.mem.StringDescriptor;
import io.rpcool.mem.VectorDescriptor;

/**
 * The server's reader of documents in shared memory. Every access goes through a {@link RegionSet},
 * so a pointer outside it is an exception, never a read of other memory.
 * <ul>
 *   <li>{@link #check} walks a whole document a client hands over, confined to the client's buffer:
 *   every node, string and vector must lie inside it and carry the right tag; the walk is bounded in
 *   depth ({@value #MAX_DEPTH}) and in nodes (one per 16 bytes of the buffer, so a cycle or a
 *   node shared many times over is refused, not followed), then lists the fields the index needs.</li>
 *   <li>As a {@link ValueReader} it reads values of stored documents for queries, checking tags again:
 *   without seals a client can still write a document it handed over, so nothing read earlier is
 *   trusted.</li>
 * </ul>
 * Not thread-safe.
 */
public final class SharedDocumentReader implements ValueReader
{
    /** Deepest nesting a stored document may have. */
    public static final int MAX_DEPTH = 64;

    private final SharedString string = new SharedString();
    private final ShortStrings strings = new ShortStrings();
    private RegionSet regions;
    private long nodes;
    private long maxNodes;

    /**
     * @param regions every access must lie in.
     * @return this reader.
     */
    public SharedDocumentReader regions(final RegionSet regions)
    {
        this.regions = regions;
        return this;
    }

    /**
     * Check a document and list its top-level and second-level members.
     *
     * @param buffer   the regions of the buffer holding the document (and nothing else).
     * @param length   of the buffer, bounding the number of nodes.
     * @param root     the document's root, an object node.
     * @param fields   cleared, then filled.
     * @throws MalformedStructureException, SharedTypeException, io.rpcool.mem.SharedMemoryBoundsException
     *                                     if the document is not a well-formed tree inside the buffer.
     */
    public void check(final RegionSet buffer, final long length, final long root, final DocumentFields fields)
    {
        regions = buffer;
        nodes = 0;
        maxNodes = Math.max(16, length / JsonNodeDescriptor.LENGTH);
        if (walk(root, 0) != KIND_OBJECT)
        {
            throw new SharedTypeException("a document must be a JSON object, not " +
                io.rpcool.mem.SharedJsonNode.kindName(kind(root)));
        }
        fields.clear();
        final long members = regions.getLong(root + VALUE_OFFSET);
        final long size = memberCount(members);
        final long elements = regions.getLong(members + VectorDescriptor.ELEMENTS_OFFSET);
        for (long i = 0; i < size; i++)
        {
            final String key = strings.read(regions, string.wrap(regions, regions.getLong(elements + 16 * i)));
            final long value = regions.getLong(elements + 16 * i + 8);
            final int kind = kind(value);
            fields.add(key, value, kind);
            if (kind == KIND_OBJECT)
            {
                final long inner = regions.getLong(value + VALUE_OFFSET);
                final long innerSize = memberCount(inner);
                final long innerElements = regions.getLong(inner + VectorDescriptor.ELEMENTS_OFFSET);
                for (long j = 0; j < innerSize; j++)
                {
                    final String innerKey = strings.read(regions, string.wrap(regions, regions.getLong(innerElements + 16 * j)));
                    final long innerValue = regions.getLong(innerElements + 16 * j + 8);
                    fields.add(key + "." + innerKey, innerValue, kind(innerValue));
                }
            }
        }
    }

    private long memberCount(final long vector)
    {
        return regions.getLong(vector + VectorDescriptor.SIZE_OFFSET) / 2;
    }

    /**
     * @return the node's kind, after checking the node and everything below it.
     */
    private int walk(final long node, final int depth)
    {
        if (depth >= MAX_DEPTH)
        {
            throw new MalformedStructureException("document nested deeper than " + MAX_DEPTH + " (a cycle?)");
        }
        if (++nodes > maxNodes)
        {
            throw new MalformedStructureException("document has more nodes than its buffer can hold (shared or cyclic nodes)");
        }
        final int kind = kind(node);
        final long value = regions.getLong(node + VALUE_OFFSET);
        switch (kind)
        {
            case KIND_STRING:
                checkString(value);
                break;
            case KIND_ARRAY:
            {
                final long size = checkVector(value);
                final long elements = regions.getLong(value + VectorDescriptor.ELEMENTS_OFFSET);
                for (long i = 0; i < size; i++)
                {
                    walk(regions.getLong(elements + 8 * i), depth + 1);
                }
                break;
            }
            case KIND_OBJECT:
            {
                final long size = checkVector(value);
                if ((size & 1) != 0)
                {
                    throw new MalformedStructureException("object at 0x" + Long.toHexString(node) + " has an odd member vector");
                }
                final long elements = regions.getLong(value + VectorDescriptor.ELEMENTS_OFFSET);
                for (long i = 0; i < size; i += 2)
                {
                    checkString(regions.getLong(elements + 8 * i));
                    walk(regions.getLong(elements + 8 * i + 8), depth + 1);
                }
                break;
            }
            default:
                break;
        }
        return kind;
    }

    private void checkString(final long address)
    {
        SharedTypes.checkTag(regions, address, SharedTypes.STRING);
        final int length = regions.getInt(address + StringDescriptor.LENGTH_OFFSET);
        if (length < 0)
        {
            throw new MalformedStructureException("string at 0x" + Long.toHexString(address) + " has length " + length);
        }
        regions.checkBounds(address + StringDescriptor.HEADER_LENGTH, length);
    }

    /**
     * @return the vector's size, after checking its header and that its elements lie in the regions.
     */
    private long checkVector(final long address)
    {
        SharedTypes.checkTag(regions, address, SharedTypes.POINTER_VECTOR);
        final long size = regions.getLong(address + VectorDescriptor.SIZE_OFFSET);
        final long capacity = regions.getLong(address + VectorDescriptor.CAPACITY_OFFSET);
        if (size < 0 || size > capacity || size > maxNodes * 2)
        {
            throw new MalformedStructureException("vector at 0x" + Long.toHexString(address) + " has size " + size +
                " and capacity " + capacity);
        }
        if (size > 0)
        {
            regions.checkBounds(regions.getLong(address + VectorDescriptor.ELEMENTS_OFFSET),
                size * VectorDescriptor.ELEMENT_LENGTH);
        }
        return size;
    }

    @Override
    public int kind(final long node)
    {
        SharedTypes.checkTag(regions, node, SharedTypes.JSON_NODE);
        final int kind = regions.getInt(node + KIND_OFFSET);
        if (kind < KIND_NULL || kind > KIND_OBJECT)
        {
            throw new MalformedStructureException("JSON node at 0x" + Long.toHexString(node) + " has kind " + kind);
        }
        return kind;
    }

    @Override
    public long longValue(final long node)
    {
        expect(node, KIND_LONG);
        return regions.getLong(node + VALUE_OFFSET);
    }

    @Override
    public String stringValue(final long node)
    {
        expect(node, KIND_STRING);
        return strings.read(regions, string.wrap(regions, regions.getLong(node + VALUE_OFFSET)));
    }

    @Override
    public int elementCount(final long node)
    {
        expect(node, KIND_ARRAY);
        final long size = checkVectorForRead(regions.getLong(node + VALUE_OFFSET));
        return (int)Math.min(size, Integer.MAX_VALUE);
    }

    @Override
    public String elementString(final long node, final int index)
    {
        expect(node, KIND_ARRAY);
        final long vector = regions.getLong(node + VALUE_OFFSET);
        final long size = checkVectorForRead(vector);
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("element " + index + " of " + size);
        }
        final long element = regions.getLong(regions.getLong(vector + VectorDescriptor.ELEMENTS_OFFSET) + 8L * index);
        return kind(element) == KIND_STRING ? stringValue(element) : null;
    }

    private long checkVectorForRead(final long vector)
    {
        SharedTypes.checkTag(regions, vector, SharedTypes.POINTER_VECTOR);
        final long size = regions.getLong(vector + VectorDescriptor.SIZE_OFFSET);
        if (size < 0 || size > VectorDescriptor.MAX_CAPACITY)
        {
            throw new MalformedStructureException("vector at 0x" + Long.toHexString(vector) + " has size " + size);
        }
        return size;
    }

    private void expect(final long node, final int kind)
    {
        final int actual = kind(node);
        if (actual != kind)
        {
            throw new SharedTypeException("JSON node at 0x" + Long.toHexString(node) + " is " +
                io.rpcool.mem.SharedJsonNode.kindName(actual) + ", not " + io.rpcool.mem.SharedJsonNode.kindName(kind));
        }
    }
}
