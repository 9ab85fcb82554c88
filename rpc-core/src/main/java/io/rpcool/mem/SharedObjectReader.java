package io.rpcool.mem;

import org.agrona.collections.LongHashSet;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds a Java value from shared memory for {@link SharedObjects#materialize(RegionSet, long, Class)},
 * driven by the declared type, bounded by {@link TraversalLimits}: one reader per walk, so a
 * structure reachable twice is rebuilt once and a node that is its own ancestor is refused.
 */
final class SharedObjectReader
{
    private final RegionSet regions;
    private final TraversalLimits limits;
    private final LongHashSet path = new LongHashSet();
    private final HashMap<Long, Object[]> done = new HashMap<>();
    private final SharedPointerVector vector = new SharedPointerVector();
    private long nodes;

    SharedObjectReader(final RegionSet regions, final TraversalLimits limits)
    {
        this.regions = regions;
        this.limits = limits;
    }

    Object read(final long pointer, final Type type, final int depth)
    {
        final Class<?> raw = rawClass(type);
        if (pointer == Allocator.NULL_ADDRESS)
        {
            if (raw.isPrimitive())
            {
                throw new MalformedStructureException("null where a " + raw + " was expected");
            }
            return null;
        }
        final Object[] memo = done.get(pointer);
        if (memo != null && memo[0].equals(type))
        {
            return memo[1];
        }
        if (depth >= limits.maxDepth())
        {
            throw new MalformedStructureException("structure nested deeper than " + limits.maxDepth() +
                " at 0x" + Long.toHexString(pointer));
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
        final Object value = decode(pointer, type, raw, depth);
        path.remove(pointer);
        done.put(pointer, new Object[]{ type, value });
        return value;
    }

    private Object decode(final long pointer, final Type type, final Class<?> raw, final int depth)
    {
        final int tag = SharedTypes.tagAt(regions, pointer);
        if (raw == Object.class)
        {
            return decodeDynamic(pointer, tag, depth);
        }
        if (raw == String.class)
        {
            return SharedString.read(regions, pointer);
        }
        if (raw.isEnum())
        {
            final String name = SharedString.read(regions, pointer);
            for (final Object constant : raw.getEnumConstants())
            {
                if (((Enum<?>)constant).name().equals(name))
                {
                    return constant;
                }
            }
            throw new SharedTypeException(raw.getName() + " has no constant " + name);
        }
        final int kind = BoxDescriptor.kindOf(raw);
        if (kind != 0)
        {
            return readBox(pointer, kind);
        }
        if (raw.isRecord())
        {
            return readRecord(pointer, RecordMetadata.of(raw), depth);
        }
        if (raw.isArray())
        {
            return readArray(pointer, tag, type, raw, depth);
        }
        if (Map.class.isAssignableFrom(raw))
        {
            final Map<Object, Object> map = newMap(raw);
            readMap(pointer, tag, typeArgument(type, 0), typeArgument(type, 1), map, depth);
            return map;
        }
        if (Collection.class.isAssignableFrom(raw) || raw == Iterable.class)
        {
            final Collection<Object> collection = newCollection(raw);
            readPointers(pointer, typeArgument(type, 0), collection, depth);
            return collection;
        }
        final Object value = decodeDynamic(pointer, tag, depth);
        if (!raw.isInstance(value))
        {
            throw new SharedTypeException("expected " + raw.getName() + " at 0x" + Long.toHexString(pointer) +
                " but found " + SharedTypes.name(tag));
        }
        return value;
    }

    private Object decodeDynamic(final long pointer, final int tag, final int depth)
    {
        switch (tag)
        {
            case SharedTypes.STRING:
                return SharedString.read(regions, pointer);
            case SharedTypes.BOX:
                return readBox(pointer, 0);
            case SharedTypes.LONG_VECTOR:
                return new SharedLongVector().wrap(regions, pointer).toLongArray();
            case SharedTypes.PRIMITIVE_ARRAY:
                return readPrimitiveArray(pointer, regions.getInt(pointer + PrimitiveArrayDescriptor.KIND_OFFSET));
            case SharedTypes.STRING_MAP:
            {
                final Map<Object, Object> map = new LinkedHashMap<>();
                readMap(pointer, tag, String.class, Object.class, map, depth);
                return map;
            }
            case SharedTypes.POINTER_VECTOR:
            {
                final int role = vector.wrap(regions, pointer).role();
                if (role == VectorDescriptor.ROLE_MAP_ENTRIES)
                {
                    final Map<Object, Object> map = new LinkedHashMap<>();
                    readMap(pointer, tag, Object.class, Object.class, map, depth);
                    return map;
                }
                if (role == VectorDescriptor.ROLE_ARRAY)
                {
                    final List<Object> list = new ArrayList<>();
                    readPointers(pointer, Object.class, list, depth);
                    return list.toArray();
                }
                final Collection<Object> collection =
                    role == VectorDescriptor.ROLE_SET ? new LinkedHashSet<>() : new ArrayList<>();
                readPointers(pointer, Object.class, collection, depth);
                return collection;
            }
            case SharedTypes.JSON_NODE:
                return SharedJson.toJava(regions, pointer, limits);
            case SharedTypes.RECORD:
                throw new SharedTypeException("record at 0x" + Long.toHexString(pointer) +
                    " read without its declared type");
            default:
                throw new SharedTypeException("cannot read " + SharedTypes.name(tag) + " at 0x" +
                    Long.toHexString(pointer) + " as a Java value");
        }
    }

    private Object readBox(final long pointer, final int expectedKind)
    {
        SharedTypes.checkTag(regions, pointer, SharedTypes.BOX);
        final int kind = regions.getInt(pointer + BoxDescriptor.KIND_OFFSET);
        if (expectedKind != 0 && kind != expectedKind)
        {
            throw new SharedTypeException("box at 0x" + Long.toHexString(pointer) + " holds kind " + kind +
                ", expected " + expectedKind);
        }
        return BoxDescriptor.box(kind, regions.getLong(pointer + BoxDescriptor.VALUE_OFFSET));
    }

    private Object readRecord(final long pointer, final RecordMetadata meta, final int depth)
    {
        SharedTypes.checkTag(regions, pointer, SharedTypes.RECORD);
        final int count = regions.getInt(pointer + RecordDescriptor.COUNT_OFFSET);
        final long fingerprint = regions.getLong(pointer + RecordDescriptor.FINGERPRINT_OFFSET);
        if (count != meta.count || fingerprint != meta.fingerprint)
        {
            throw new SharedTypeException("record at 0x" + Long.toHexString(pointer) + " (" + count +
                " components, fingerprint " + Long.toHexString(fingerprint) + ") is not a " + meta.type.getName());
        }
        regions.checkBounds(pointer, meta.length);
        final Object[] args = new Object[count];
        for (int i = 0; i < count; i++)
        {
            final long slot = regions.getLong(pointer + meta.slotsOffset + 8L * i);
            args[i] = meta.primitiveKinds[i] != 0 ?
                BoxDescriptor.box(meta.primitiveKinds[i], slot) : read(slot, meta.genericTypes[i], depth + 1);
        }
        try
        {
            return meta.constructor.invokeWithArguments(args);
        }
        catch (final Throwable ex)
        {
            throw new SharedMemoryException("record " + meta.type.getName() + " at 0x" + Long.toHexString(pointer) +
                " rejected its shared contents: " + ex, ex);
        }
    }

    private Object readArray(final long pointer, final int tag, final Type type, final Class<?> raw, final int depth)
    {
        final Class<?> component = raw.getComponentType();
        if (component == long.class)
        {
            return new SharedLongVector().wrap(regions, pointer).toLongArray();
        }
        if (component.isPrimitive())
        {
            return readPrimitiveArray(pointer, BoxDescriptor.kindOf(component));
        }
        final Type componentType = type instanceof GenericArrayType ?
            ((GenericArrayType)type).getGenericComponentType() : component;
        final List<Object> list = new ArrayList<>();
        readPointers(pointer, componentType, list, depth);
        final Object array = Array.newInstance(component, list.size());
        for (int i = 0; i < list.size(); i++)
        {
            final Object element = list.get(i);
            if (element != null && !component.isInstance(element))
            {
                throw new SharedTypeException("element " + i + " of array at 0x" + Long.toHexString(pointer) +
                    " is a " + element.getClass().getName() + ", not a " + component.getName());
            }
            Array.set(array, i, element);
        }
        return array;
    }

    private Object readPrimitiveArray(final long pointer, final int kind)
    {
        SharedTypes.checkTag(regions, pointer, SharedTypes.PRIMITIVE_ARRAY);
        final int storedKind = regions.getInt(pointer + PrimitiveArrayDescriptor.KIND_OFFSET);
        if (storedKind != kind)
        {
            throw new SharedTypeException("array at 0x" + Long.toHexString(pointer) + " holds kind " + storedKind +
                ", expected " + kind);
        }
        final long length = regions.getLong(pointer + PrimitiveArrayDescriptor.LENGTH_OFFSET);
        final int elementLength = BoxDescriptor.elementLength(kind);
        if (length < 0 || length > Integer.MAX_VALUE - 8)
        {
            throw new MalformedStructureException("array at 0x" + Long.toHexString(pointer) + " has length " +
                length);
        }
        final long data = pointer + PrimitiveArrayDescriptor.HEADER_LENGTH;
        regions.checkBounds(data, length * elementLength);
        final int n = (int)length;
        switch (kind)
        {
            case BoxDescriptor.KIND_BOOLEAN:
            {
                final boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getByte(data + i) != 0;
                }
                return a;
            }
            case BoxDescriptor.KIND_BYTE:
            {
                final byte[] a = new byte[n];
                regions.getBytes(data, a, 0, n);
                return a;
            }
            case BoxDescriptor.KIND_SHORT:
            {
                final short[] a = new short[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getShort(data + 2L * i);
                }
                return a;
            }
            case BoxDescriptor.KIND_CHAR:
            {
                final char[] a = new char[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getChar(data + 2L * i);
                }
                return a;
            }
            case BoxDescriptor.KIND_INT:
            {
                final int[] a = new int[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getInt(data + 4L * i);
                }
                return a;
            }
            case BoxDescriptor.KIND_FLOAT:
            {
                final float[] a = new float[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getFloat(data + 4L * i);
                }
                return a;
            }
            case BoxDescriptor.KIND_DOUBLE:
            {
                final double[] a = new double[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getDouble(data + 8L * i);
                }
                return a;
            }
            default:
            {
                final long[] a = new long[n];
                for (int i = 0; i < n; i++)
                {
                    a[i] = regions.getLong(data + 8L * i);
                }
                return a;
            }
        }
    }

    private long[] pointers(final long pointer)
    {
        final SharedPointerVector v = new SharedPointerVector().wrap(regions, pointer);
        final long size = v.size();
        if (size > Integer.MAX_VALUE - 8)
        {
            throw new MalformedStructureException("vector at 0x" + Long.toHexString(pointer) + " has size " + size);
        }
        return v.toLongArray();
    }

    private void readPointers(final long pointer, final Type elementType, final Collection<Object> out,
        final int depth)
    {
        for (final long element : pointers(pointer))
        {
            out.add(read(element, elementType, depth + 1));
        }
    }

    private void readMap(final long pointer, final int tag, final Type keyType, final Type valueType,
        final Map<Object, Object> out, final int depth)
    {
        if (tag == SharedTypes.STRING_MAP)
        {
            final Class<?> rawKey = rawClass(keyType);
            if (rawKey != String.class && rawKey != Object.class && rawKey != CharSequence.class)
            {
                throw new SharedTypeException("map at 0x" + Long.toHexString(pointer) +
                    " has string keys, not " + keyType.getTypeName());
            }
            final SharedStringMap map = new SharedStringMap().wrap(regions, pointer);
            final boolean pointers = map.valueKind() == StringMapDescriptor.VALUE_POINTER;
            final List<long[]> entries = new ArrayList<>();
            map.forEach((k, v) -> entries.add(new long[]{ k, v }));
            for (final long[] entry : entries)
            {
                out.put(SharedString.read(regions, entry[0]),
                    pointers ? read(entry[1], valueType, depth + 1) : Long.valueOf(entry[1]));
            }
            return;
        }
        if (tag != SharedTypes.POINTER_VECTOR)
        {
            throw new SharedTypeException("expected a map at 0x" + Long.toHexString(pointer) + " but found " +
                SharedTypes.name(tag));
        }
        final SharedPointerVector v = new SharedPointerVector().wrap(regions, pointer);
        if (v.role() != VectorDescriptor.ROLE_MAP_ENTRIES || (v.size() & 1) != 0)
        {
            throw new SharedTypeException("vector at 0x" + Long.toHexString(pointer) + " is not a map");
        }
        final long[] entries = pointers(pointer);
        for (int i = 0; i < entries.length; i += 2)
        {
            out.put(read(entries[i], keyType, depth + 1), read(entries[i + 1], valueType, depth + 1));
        }
    }

    private static Map<Object, Object> newMap(final Class<?> raw)
    {
        if (raw.isAssignableFrom(LinkedHashMap.class))
        {
            return new LinkedHashMap<>();
        }
        if (raw.isAssignableFrom(TreeMap.class) || raw == SortedMap.class)
        {
            return new TreeMap<>();
        }
        throw new SharedTypeException("cannot materialize a " + raw.getName());
    }

    private static Collection<Object> newCollection(final Class<?> raw)
    {
        if (raw.isAssignableFrom(ArrayList.class))
        {
            return new ArrayList<>();
        }
        if (raw.isAssignableFrom(LinkedHashSet.class))
        {
            return new LinkedHashSet<>();
        }
        if (raw.isAssignableFrom(TreeSet.class) || raw == SortedSet.class)
        {
            return new TreeSet<>();
        }
        throw new SharedTypeException("cannot materialize a " + raw.getName());
    }

    static Class<?> rawClass(final Type type)
    {
        if (type instanceof Class)
        {
            return (Class<?>)type;
        }
        if (type instanceof ParameterizedType)
        {
            return (Class<?>)((ParameterizedType)type).getRawType();
        }
        if (type instanceof GenericArrayType)
        {
            return Array.newInstance(rawClass(((GenericArrayType)type).getGenericComponentType()), 0).getClass();
        }
        if (type instanceof WildcardType)
        {
            return rawClass(((WildcardType)type).getUpperBounds()[0]);
        }
        if (type instanceof TypeVariable)
        {
            return rawClass(((TypeVariable<?>)type).getBounds()[0]);
        }
        return Object.class;
    }

    private static Type typeArgument(final Type type, final int index)
    {
        if (type instanceof ParameterizedType)
        {
            final Type[] args = ((ParameterizedType)type).getActualTypeArguments();
            if (index < args.length)
            {
                return args[index];
            }
        }
        return Object.class;
    }
}
