package io.rpcool.mem;

/**
 * Growable vector of {@code long} values in shared memory (layout in {@link VectorDescriptor}).
 * Every read is bounds-checked; a size beyond the capacity raises {@link MalformedStructureException}.
 */
public final class SharedLongVector extends AbstractSharedVector<SharedLongVector>
{
    public SharedLongVector()
    {
        super(SharedTypes.LONG_VECTOR);
    }

    /**
     * Create an empty vector.
     *
     * @param allocator       to take the memory from.
     * @param initialCapacity element slots to reserve.
     * @return address of the new vector.
     */
    public static long allocate(final Allocator allocator, final long initialCapacity)
    {
        return allocate(allocator, SharedTypes.LONG_VECTOR, VectorDescriptor.ROLE_LIST, initialCapacity);
    }

    /**
     * Create a vector holding a copy of {@code values}.
     *
     * @param allocator to take the memory from.
     * @param values    to copy.
     * @param role      one of the {@code ROLE_} constants of {@link VectorDescriptor}.
     * @return address of the new vector.
     */
    public static long allocate(final Allocator allocator, final long[] values, final int role)
    {
        final long address = allocate(allocator, SharedTypes.LONG_VECTOR, role, values.length);
        final SharedLongVector vector = new SharedLongVector().wrap(allocator, address);
        for (final long value : values)
        {
            vector.add(value);
        }
        return address;
    }

    /**
     * @param index of the element.
     * @return the element.
     */
    public long get(final long index)
    {
        return element(index);
    }

    /**
     * @param index of the element.
     * @param value to store.
     * @return this vector.
     */
    public SharedLongVector set(final long index, final long value)
    {
        element(index, value);
        return this;
    }

    /**
     * Append, growing if needed.
     *
     * @param value to append.
     * @return this vector.
     */
    public SharedLongVector add(final long value)
    {
        append(value);
        return this;
    }

    /**
     * @return the removed last element.
     */
    public long removeLast()
    {
        return removeLastElement();
    }
}
