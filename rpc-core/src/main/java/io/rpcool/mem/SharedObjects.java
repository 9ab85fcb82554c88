package io.rpcool.mem;

import java.lang.reflect.Type;

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
 * <p>
 * Each walk is one short-lived object that remembers what it has visited:
 * {@link SharedObjectWriter}, {@link SharedObjectReader} and {@link SharedObjectMover}.
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
        return new SharedObjectWriter(allocator).write(value, 0);
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
        final Object value = new SharedObjectReader(regions, limits).read(pointer, type, 0);
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
        return new SharedObjectReader(regions, limits).read(pointer, type, 0);
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
        return new SharedObjectMover(source, destination, limits).move(pointer, 0);
    }
}
