package io.rpcool.mem;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Java object graph into shared memory for {@link SharedObjects#copyFrom(Object, Allocator)}:
 * one writer per copy, so an object reachable twice is written once and a cycle is refused.
 */
final class SharedObjectWriter
{
    private final Allocator allocator;
    private final RegionSet regions;
    private final IdentityHashMap<Object, Long> done = new IdentityHashMap<>();
    private final Set<Object> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

    SharedObjectWriter(final Allocator allocator)
    {
        this.allocator = allocator;
        this.regions = allocator.regions();
    }

    long write(final Object value, final int depth)
    {
        if (value == null)
        {
            return Allocator.NULL_ADDRESS;
        }
        final Long existing = done.get(value);
        if (existing != null)
        {
            return existing;
        }
        if (depth >= TraversalLimits.DEFAULT.maxDepth())
        {
            throw new IllegalArgumentException("object graph nested deeper than " +
                TraversalLimits.DEFAULT.maxDepth());
        }
        if (!inProgress.add(value))
        {
            throw new IllegalArgumentException("cycle in object graph: a " + value.getClass().getName() +
                " contains itself");
        }
        final long address = encode(value, depth);
        inProgress.remove(value);
        done.put(value, address);
        return address;
    }

    private long encode(final Object value, final int depth)
    {
        final Class<?> type = value.getClass();
        if (value instanceof String)
        {
            return SharedString.allocate(allocator, (String)value);
        }
        if (value instanceof Enum)
        {
            return SharedString.allocate(allocator, ((Enum<?>)value).name());
        }
        final int kind = BoxDescriptor.kindOf(type);
        if (kind != 0)
        {
            final long address = allocator.allocateOrThrow(BoxDescriptor.LENGTH);
            regions.putInt(address + BoxDescriptor.TAG_OFFSET, SharedTypes.BOX);
            regions.putInt(address + BoxDescriptor.KIND_OFFSET, kind);
            regions.putLong(address + BoxDescriptor.VALUE_OFFSET, BoxDescriptor.bits(value));
            return address;
        }
        if (type.isRecord())
        {
            return writeRecord(value, RecordMetadata.of(type), depth);
        }
        if (value instanceof long[])
        {
            return SharedLongVector.allocate(allocator, (long[])value, VectorDescriptor.ROLE_ARRAY);
        }
        if (type.isArray() && type.getComponentType().isPrimitive())
        {
            return writePrimitiveArray(value, BoxDescriptor.kindOf(type.getComponentType()));
        }
        if (value instanceof Object[])
        {
            final Object[] array = (Object[])value;
            return writePointers(array, VectorDescriptor.ROLE_ARRAY, depth);
        }
        if (value instanceof Map)
        {
            return writeMap((Map<?, ?>)value, depth);
        }
        if (value instanceof Collection)
        {
            return writePointers(((Collection<?>)value).toArray(),
                value instanceof Set ? VectorDescriptor.ROLE_SET : VectorDescriptor.ROLE_LIST, depth);
        }
        throw new IllegalArgumentException("cannot copy a " + type.getName() + " to shared memory");
    }

    private long writeRecord(final Object value, final RecordMetadata meta, final int depth)
    {
        final long[] slots = new long[meta.count];
        for (int i = 0; i < meta.count; i++)
        {
            final Object component;
            try
            {
                component = meta.accessors[i].invoke(value);
            }
            catch (final Throwable ex)
            {
                throw new IllegalArgumentException("cannot read " + meta.type.getName() + "." + meta.names[i], ex);
            }
            slots[i] = meta.primitiveKinds[i] != 0 ? BoxDescriptor.bits(component) : write(component, depth + 1);
        }
        final long address = allocator.allocateOrThrow(meta.length);
        regions.putInt(address + RecordDescriptor.TAG_OFFSET, SharedTypes.RECORD);
        regions.putInt(address + RecordDescriptor.COUNT_OFFSET, meta.count);
        regions.putLong(address + RecordDescriptor.FINGERPRINT_OFFSET, meta.fingerprint);
        for (int w = 0; w < meta.pointerMask.length; w++)
        {
            regions.putLong(address + RecordDescriptor.MASK_OFFSET + 8L * w, meta.pointerMask[w]);
        }
        for (int i = 0; i < meta.count; i++)
        {
            regions.putLong(address + meta.slotsOffset + 8L * i, slots[i]);
        }
        return address;
    }

    private long writePrimitiveArray(final Object array, final int kind)
    {
        final int length = Array.getLength(array);
        final int elementLength = BoxDescriptor.elementLength(kind);
        final long address = allocator.allocateOrThrow(
            PrimitiveArrayDescriptor.HEADER_LENGTH + (long)length * elementLength);
        regions.putInt(address + PrimitiveArrayDescriptor.TAG_OFFSET, SharedTypes.PRIMITIVE_ARRAY);
        regions.putInt(address + PrimitiveArrayDescriptor.KIND_OFFSET, kind);
        regions.putLong(address + PrimitiveArrayDescriptor.LENGTH_OFFSET, length);
        final long data = address + PrimitiveArrayDescriptor.HEADER_LENGTH;
        for (int i = 0; i < length; i++)
        {
            final long at = data + (long)i * elementLength;
            switch (kind)
            {
                case BoxDescriptor.KIND_BOOLEAN: regions.putByte(at, (byte)(((boolean[])array)[i] ? 1 : 0)); break;
                case BoxDescriptor.KIND_BYTE: regions.putByte(at, ((byte[])array)[i]); break;
                case BoxDescriptor.KIND_SHORT: regions.putShort(at, ((short[])array)[i]); break;
                case BoxDescriptor.KIND_CHAR: regions.putChar(at, ((char[])array)[i]); break;
                case BoxDescriptor.KIND_INT: regions.putInt(at, ((int[])array)[i]); break;
                case BoxDescriptor.KIND_FLOAT: regions.putFloat(at, ((float[])array)[i]); break;
                default: regions.putDouble(at, ((double[])array)[i]); break;
            }
        }
        return address;
    }

    private long writePointers(final Object[] elements, final int role, final int depth)
    {
        final long[] pointers = new long[elements.length];
        for (int i = 0; i < elements.length; i++)
        {
            pointers[i] = write(elements[i], depth + 1);
        }
        final long address = SharedPointerVector.allocate(allocator, role, pointers.length);
        final SharedPointerVector vector = new SharedPointerVector().wrap(allocator, address);
        for (final long pointer : pointers)
        {
            vector.add(pointer);
        }
        return address;
    }

    private long writeMap(final Map<?, ?> map, final int depth)
    {
        boolean stringKeys = true;
        for (final Object key : map.keySet())
        {
            if (!(key instanceof String))
            {
                stringKeys = false;
                break;
            }
        }
        if (!stringKeys)
        {
            final Object[] entries = new Object[map.size() * 2];
            int i = 0;
            for (final Map.Entry<?, ?> e : map.entrySet())
            {
                entries[i++] = e.getKey();
                entries[i++] = e.getValue();
            }
            return writePointers(entries, VectorDescriptor.ROLE_MAP_ENTRIES, depth);
        }
        final String[] keys = new String[map.size()];
        final long[] values = new long[map.size()];
        int i = 0;
        for (final Map.Entry<?, ?> e : map.entrySet())
        {
            keys[i] = (String)e.getKey();
            values[i++] = write(e.getValue(), depth + 1);
        }
        final long address = SharedStringMap.allocate(allocator, StringMapDescriptor.VALUE_POINTER);
        final SharedStringMap shared = new SharedStringMap().wrap(allocator, address);
        for (int k = 0; k < keys.length; k++)
        {
            shared.put(keys[k], values[k]);
        }
        return address;
    }
}
