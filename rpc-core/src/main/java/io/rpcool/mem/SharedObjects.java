package io.rpcool.mem;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Deep copies between Java object graphs and shared memory, and between heaps.
 * <p>
 * {@link #copyFrom(Object, Allocator)} writes a Java value into shared memory and returns its
 * pointer; {@link #materialize(RegionSet, long, Class)} rebuilds it. The shared form uses this
 * package's containers, so other code can read it in place:
 * <table>
 *   <caption>Java value to shared structure</caption>
 *   <tr><td>{@code String}, enum constant (by name)</td><td>{@link SharedString}</td></tr>
 *   <tr><td>{@code Long}, {@code Integer}, ... {@code Boolean}, {@code Character}</td><td>box ({@link BoxDescriptor})</td></tr>
 *   <tr><td>{@code long[]}</td><td>{@link SharedLongVector}</td></tr>
 *   <tr><td>other primitive arrays</td><td>packed array ({@link PrimitiveArrayDescriptor})</td></tr>
 *   <tr><td>object arrays, {@code List}, other {@code Collection}, {@code Set}</td><td>{@link SharedPointerVector}
 *   (role {@code ARRAY}, {@code LIST}, {@code SET})</td></tr>
 *   <tr><td>{@code Map} with string keys</td><td>{@link SharedStringMap} of pointers</td></tr>
 *   <tr><td>other {@code Map}</td><td>{@link SharedPointerVector} of keys and values alternately
 *   (role {@code MAP_ENTRIES})</td></tr>
 *   <tr><td>record</td><td>record ({@link RecordDescriptor}): primitives inline, the rest by pointer</td></tr>
 * </table>
 * Every pointer stored is absolute. Record metadata is reflected once per class. An object reachable
 * twice in the input is copied once and shared, and rebuilt once and shared; a cycle in the input is
 * rejected with {@link IllegalArgumentException} (records, the main payload, cannot form cycles
 * anyway). On a failure part of the copy may remain allocated: build into an {@link RpcBuffer} and
 * reset it, or free the heap.
 * <p>
 * Reading is driven by the declared type ({@code Class} or a generic {@code Type} such as
 * {@code List<Order>}); where it says {@code Object} the stored tag decides, except that records
 * need their declared type. Reads are bounded by {@link TraversalLimits}: a pointer outside the
 * regions, a wrong tag, a record of another class, a length past its buffer or a node that is its
 * own ancestor each raise a {@link SharedMemoryException}, never a crash.
 * <p>
 * {@link #copy(RegionSet, long, Allocator)} moves a structure to another allocator (another heap,
 * an RPC buffer) without Java classes, guided by the tags alone.
 */
public final class SharedObjects
{
    private SharedObjects()
    {
    }

    // ------------------------------------------------------------------ Java -> shared memory

    /**
     * Deep-copy a Java value into shared memory.
     *
     * @param value     to copy; null gives {@link Allocator#NULL_ADDRESS}.
     * @param allocator to take the memory from.
     * @return pointer to the copy.
     * @throws IllegalArgumentException       for unsupported types and cyclic input.
     * @throws SharedMemoryExhaustedException if the allocator runs out of room.
     */
    public static long copyFrom(final Object value, final Allocator allocator)
    {
        return new Writer(allocator).write(value, 0);
    }

    private static final class Writer
    {
        private final Allocator allocator;
        private final RegionSet regions;
        private final IdentityHashMap<Object, Long> done = new IdentityHashMap<>();
        private final Set<Object> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

        Writer(final Allocator allocator)
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

    // ------------------------------------------------------------------ shared memory -> Java

    /**
     * Rebuild a Java value from shared memory.
     *
     * @param regions the structure must lie in.
     * @param pointer to the structure; {@link Allocator#NULL_ADDRESS} gives null.
     * @param type    the class expected.
     * @param <T>     the class expected.
     * @return the rebuilt value.
     * @throws SharedMemoryException on any malformed, mistyped or out-of-bounds structure.
     */
    public static <T> T materialize(final RegionSet regions, final long pointer, final Class<T> type)
    {
        return materialize(regions, pointer, type, TraversalLimits.DEFAULT);
    }

    /**
     * @param regions the structure must lie in.
     * @param pointer to the structure.
     * @param type    the class expected.
     * @param limits  bounds on the walk.
     * @param <T>     the class expected.
     * @return the rebuilt value.
     */
    @SuppressWarnings("unchecked")
    public static <T> T materialize(
        final RegionSet regions, final long pointer, final Class<T> type, final TraversalLimits limits)
    {
        final Object value = new Reader(regions, limits).read(pointer, type, 0);
        return type.isPrimitive() ? (T)value : type.cast(value);
    }

    /**
     * Rebuild a Java value of a generic type, such as {@code List<Order>}.
     *
     * @param regions the structure must lie in.
     * @param pointer to the structure.
     * @param type    the type expected.
     * @param limits  bounds on the walk.
     * @return the rebuilt value.
     */
    public static Object materialize(
        final RegionSet regions, final long pointer, final Type type, final TraversalLimits limits)
    {
        return new Reader(regions, limits).read(pointer, type, 0);
    }

    private static final class Reader
    {
        private final RegionSet regions;
        private final TraversalLimits limits;
        private final LongHashSet path = new LongHashSet();
        private final HashMap<Long, Object[]> done = new HashMap<>();
        private final SharedPointerVector vector = new SharedPointerVector();
        private long nodes;

        Reader(final RegionSet regions, final TraversalLimits limits)
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

    // ------------------------------------------------------------------ shared memory -> shared memory

    /**
     * Deep-copy a structure to another allocator (another heap, an RPC buffer), guided by the type
     * tags alone: works for everything this package writes and for {@link SharedStruct}s.
     *
     * @param source      the regions the structure lies in.
     * @param pointer     to the structure.
     * @param destination to allocate the copy from.
     * @return pointer to the copy.
     */
    public static long copy(final RegionSet source, final long pointer, final Allocator destination)
    {
        return copy(source, pointer, destination, TraversalLimits.DEFAULT);
    }

    /**
     * @param source      the regions the structure lies in.
     * @param pointer     to the structure.
     * @param destination to allocate the copy from.
     * @param limits      bounds on the walk.
     * @return pointer to the copy.
     */
    public static long copy(
        final RegionSet source, final long pointer, final Allocator destination, final TraversalLimits limits)
    {
        return new Mover(source, destination, limits).move(pointer, 0);
    }

    private static final class Mover
    {
        private final RegionSet src;
        private final Allocator allocator;
        private final RegionSet dst;
        private final TraversalLimits limits;
        private final Long2LongHashMap done = new Long2LongHashMap(-1);
        private final LongHashSet path = new LongHashSet();
        private long nodes;

        Mover(final RegionSet src, final Allocator allocator, final TraversalLimits limits)
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
}
