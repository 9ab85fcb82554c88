package io.rpcool.mem;

/**
 * Growable vector of absolute pointers in shared memory (layout in {@link VectorDescriptor}); 0 is
 * the null pointer. The vector does not own what its elements point to. Every read is bounds-checked;
 * the pointers it returns are checked again when they are dereferenced.
 */
public final class SharedPointerVector extends AbstractSharedVector<SharedPointerVector>
{
    public SharedPointerVector()
    {
        super(SharedTypes.POINTER_VECTOR);
    }

    /**
     * Create an empty vector with role {@link VectorDescriptor#ROLE_LIST}.
     *
     * @param allocator       to take the memory from.
     * @param initialCapacity element slots to reserve.
     * @return address of the new vector.
     */
    public static long allocate(final Allocator allocator, final long initialCapacity)
    {
        return allocate(allocator, VectorDescriptor.ROLE_LIST, initialCapacity);
    }

    /**
     * Create an empty vector.
     *
     * @param allocator       to take the memory from.
     * @param role            one of the {@code ROLE_} constants of {@link VectorDescriptor}.
     * @param initialCapacity element slots to reserve.
     * @return address of the new vector.
     */
    public static long allocate(final Allocator allocator, final int role, final long initialCapacity)
    {
        return allocate(allocator, SharedTypes.POINTER_VECTOR, role, initialCapacity);
    }

    /**
     * @param index of the element.
     * @return the pointer stored there.
     */
    public long get(final long index)
    {
        return element(index);
    }

    /**
     * @param index   of the element.
     * @param pointer to store.
     * @return this vector.
     */
    public SharedPointerVector set(final long index, final long pointer)
    {
        element(index, pointer);
        return this;
    }

    /**
     * Append, growing if needed.
     *
     * @param pointer to append.
     * @return this vector.
     */
    public SharedPointerVector add(final long pointer)
    {
        append(pointer);
        return this;
    }

    /**
     * @return the removed last pointer.
     */
    public long removeLast()
    {
        return removeLastElement();
    }
}
