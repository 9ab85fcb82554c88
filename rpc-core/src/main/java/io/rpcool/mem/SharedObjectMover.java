package io.rpcool.mem;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Deep-copies a structure between allocators for {@link SharedObjects#copy(RegionSet, long, Allocator)},
 * guided by the type tags alone, bounded by {@link TraversalLimits}: one mover per copy, so a
 * structure reachable twice is copied once.
 */
final class SharedObjectMover
{
    private final RegionSet src;
    private final Allocator allocator;
    private final RegionSet dst;
    private final TraversalLimits limits;
    private final Long2LongHashMap done = new Long2LongHashMap(-1);
    private final LongHashSet path = new LongHashSet();
    private long nodes;

    SharedObjectMover(final RegionSet src, final Allocator allocator, final TraversalLimits limits)
    {
        this.src = src;
        this.allocator = allocator;
        this.dst = allocator.regions();
        this.limits = limits;
    }

    long move(final long pointer, final int depth)
    {
        if (pointer == Allocator.NULL_ADDRESS)
        {
            return Allocator.NULL_ADDRESS;
        }
        final long existing = done.get(pointer);
        if (existing != -1)
        {
            return existing;
        }
        if (depth >= limits.maxDepth())
        {
            throw new MalformedStructureException("structure nested deeper than " + limits.maxDepth());
        }
        if (++nodes > limits.maxNodes())
        {
            throw new MalformedStructureException("structure has more than " + limits.maxNodes() + " nodes");
        }
        if (!path.add(pointer))
        {
            throw new MalformedStructureException("structure at 0x" + Long.toHexString(pointer) +
                " is its own ancestor (a cycle)");
        }
        final long copy = moveNode(pointer, depth);
        path.remove(pointer);
        done.put(pointer, copy);
        return copy;
    }

    private long raw(final long pointer, final long length)
    {
        src.checkBounds(pointer, length);
        final long address = allocator.allocateOrThrow(length);
        dst.copyFrom(src, pointer, address, length);
        return address;
    }

    private long moveNode(final long pointer, final int depth)
    {
        final int tag = SharedTypes.tagAt(src, pointer);
        switch (tag)
        {
            case SharedTypes.STRING:
                return raw(pointer, StringDescriptor.HEADER_LENGTH + new SharedString().wrap(src, pointer).length());
            case SharedTypes.BOX:
                return raw(pointer, BoxDescriptor.LENGTH);
            case SharedTypes.PRIMITIVE_ARRAY:
            {
                final int kind = src.getInt(pointer + PrimitiveArrayDescriptor.KIND_OFFSET);
                final long length = src.getLong(pointer + PrimitiveArrayDescriptor.LENGTH_OFFSET);
                if (length < 0 || length > Integer.MAX_VALUE)
                {
                    throw new MalformedStructureException("array at 0x" + Long.toHexString(pointer) +
                        " has length " + length);
                }
                return raw(pointer, PrimitiveArrayDescriptor.HEADER_LENGTH + length * BoxDescriptor.elementLength(kind));
            }
            case SharedTypes.LONG_VECTOR:
            {
                final SharedLongVector from = new SharedLongVector().wrap(src, pointer);
                final long[] values = from.toLongArray();
                return SharedLongVector.allocate(allocator, values, from.role());
            }
            case SharedTypes.POINTER_VECTOR:
            {
                final SharedPointerVector from = new SharedPointerVector().wrap(src, pointer);
                final int role = from.role();
                final long[] elements = from.toLongArray();
                for (int i = 0; i < elements.length; i++)
                {
                    elements[i] = move(elements[i], depth + 1);
                }
                final long address = SharedPointerVector.allocate(allocator, role, elements.length);
                final SharedPointerVector to = new SharedPointerVector().wrap(allocator, address);
                for (final long element : elements)
                {
                    to.add(element);
                }
                return address;
            }
            case SharedTypes.STRING_MAP:
            {
                final SharedStringMap from = new SharedStringMap().wrap(src, pointer);
                final int kind = from.valueKind();
                final List<long[]> entries = new ArrayList<>();
                from.forEach((k, v) -> entries.add(new long[]{ k, v }));
                final long address = SharedStringMap.allocate(allocator, kind);
                final SharedStringMap to = new SharedStringMap().wrap(allocator, address);
                for (final long[] entry : entries)
                {
                    final long value = kind == StringMapDescriptor.VALUE_POINTER ? move(entry[1], depth + 1) : entry[1];
                    to.put(SharedString.read(src, entry[0]), value);
                }
                return address;
            }
            case SharedTypes.JSON_NODE:
            {
                final SharedJsonNode node = new SharedJsonNode().wrap(src, pointer);
                final int kind = node.kind();
                final long value = node.rawValue();
                final boolean indirect = kind == JsonNodeDescriptor.KIND_STRING ||
                    kind == JsonNodeDescriptor.KIND_ARRAY || kind == JsonNodeDescriptor.KIND_OBJECT;
                final long movedValue = indirect ? move(value, depth + 1) : value;
                final long address = raw(pointer, JsonNodeDescriptor.LENGTH);
                dst.putLong(address + JsonNodeDescriptor.VALUE_OFFSET, movedValue);
                return address;
            }
            case SharedTypes.RECORD:
            {
                final int count = src.getInt(pointer + RecordDescriptor.COUNT_OFFSET);
                if (count < 0 || count > RecordDescriptor.MAX_COMPONENTS)
                {
                    throw new MalformedStructureException("record at 0x" + Long.toHexString(pointer) + " has " +
                        count + " components");
                }
                final int slots = RecordDescriptor.slotsOffset(count);
                final long[] values = new long[count];
                for (int i = 0; i < count; i++)
                {
                    final long mask = src.getLong(pointer + RecordDescriptor.MASK_OFFSET + 8L * (i >>> 6));
                    final long slot = src.getLong(pointer + slots + 8L * i);
                    values[i] = (mask & (1L << i)) != 0 ? move(slot, depth + 1) : slot;
                }
                final long address = raw(pointer, RecordDescriptor.length(count));
                for (int i = 0; i < count; i++)
                {
                    dst.putLong(address + slots + 8L * i, values[i]);
                }
                return address;
            }
            default:
            {
                if (tag == 0 || SharedTypes.isReserved(tag))
                {
                    throw new SharedTypeException("cannot copy " + SharedTypes.name(tag) + " at 0x" +
                        Long.toHexString(pointer));
                }
                final int length = src.getInt(pointer + StructDescriptor.LENGTH_OFFSET);
                if (length < StructDescriptor.HEADER_LENGTH || length > StructDescriptor.MAX_LENGTH)
                {
                    throw new MalformedStructureException("structure at 0x" + Long.toHexString(pointer) +
                        " has length " + length);
                }
                final long mask = src.getLong(pointer + StructDescriptor.POINTER_MASK_OFFSET);
                final int fields = (length - StructDescriptor.HEADER_LENGTH) / 8;
                final long[] values = new long[fields];
                for (int i = 0; i < fields; i++)
                {
                    final long field = src.getLong(pointer + StructDescriptor.HEADER_LENGTH + 8L * i);
                    values[i] = (mask & (1L << i)) != 0 ? move(field, depth + 1) : field;
                }
                final long address = raw(pointer, length);
                for (int i = 0; i < fields; i++)
                {
                    if ((mask & (1L << i)) != 0)
                    {
                        dst.putLong(address + StructDescriptor.HEADER_LENGTH + 8L * i, values[i]);
                    }
                }
                return address;
            }
        }
    }
}
