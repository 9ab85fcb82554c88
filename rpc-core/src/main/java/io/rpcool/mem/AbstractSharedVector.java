package io.rpcool.mem;

import static io.rpcool.mem.VectorDescriptor.*;

/**
 * Common code of the growable vectors of 8-byte elements (layout in {@link VectorDescriptor}).
 * A vector is a flyweight: {@code wrap} it over an address to read it, or over an address and an
 * {@link Allocator} to also grow it. Not thread-safe: one writer at a time.
 *
 * @param <V> the concrete vector type, returned by the fluent methods.
 */
public abstract class AbstractSharedVector<V extends AbstractSharedVector<V>>
{
    private final int tag;
    RegionSet regions;
    Allocator allocator;
    long address;

    AbstractSharedVector(final int tag)
    {
        this.tag = tag;
    }

    static long allocate(final Allocator allocator, final int tag, final int role, final long initialCapacity)
    {
        if (initialCapacity < 0 || initialCapacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("invalid capacity " + initialCapacity);
        }
        final RegionSet r = allocator.regions();
        final long elements = initialCapacity == 0 ?
            Allocator.NULL_ADDRESS : allocator.allocateOrThrow(initialCapacity * ELEMENT_LENGTH);
        final long address;
        try
        {
            address = allocator.allocateOrThrow(HEADER_LENGTH);
        }
        catch (final SharedMemoryExhaustedException ex)
        {
            allocator.free(elements);
            throw ex;
        }
        r.putInt(address + TAG_OFFSET, tag);
        r.putInt(address + ROLE_OFFSET, role);
        r.putLong(address + SIZE_OFFSET, 0);
        r.putLong(address + CAPACITY_OFFSET, initialCapacity);
        r.putLong(address + ELEMENTS_OFFSET, elements);
        return address;
    }

    @SuppressWarnings("unchecked")
    private V self()
    {
        return (V)this;
    }

    /**
     * Wrap a vector for reading (and writing in place, without growing).
     *
     * @param regions the vector must lie in.
     * @param address of the vector.
     * @return this flyweight.
     */
    public V wrap(final RegionSet regions, final long address)
    {
        SharedTypes.checkTag(regions, address, tag);
        regions.checkBounds(address, HEADER_LENGTH);
        this.regions = regions;
        this.allocator = null;
        this.address = address;
        size();
        return self();
    }

    /**
     * Wrap a vector for reading and writing, growing through the allocator.
     *
     * @param allocator the vector's memory came from.
     * @param address   of the vector.
     * @return this flyweight.
     */
    public V wrap(final Allocator allocator, final long address)
    {
        wrap(allocator.regions(), address);
        this.allocator = allocator;
        return self();
    }

    public long address()
    {
        return address;
    }

    /**
     * @return what the elements stand for, one of the {@code ROLE_} constants of {@link VectorDescriptor}.
     */
    public int role()
    {
        return regions.getInt(address + ROLE_OFFSET);
    }

    /**
     * @return number of elements, checked against the capacity.
     */
    public long size()
    {
        final long size = regions.getLong(address + SIZE_OFFSET);
        final long capacity = capacity();
        if (size < 0 || size > capacity)
        {
            throw new MalformedStructureException("vector at 0x" + Long.toHexString(address) + " has size " + size +
                " beyond its capacity " + capacity);
        }
        return size;
    }

    /**
     * @return number of element slots.
     */
    public long capacity()
    {
        final long capacity = regions.getLong(address + CAPACITY_OFFSET);
        if (capacity < 0 || capacity > MAX_CAPACITY)
        {
            throw new MalformedStructureException("vector at 0x" + Long.toHexString(address) + " has capacity " +
                capacity);
        }
        return capacity;
    }

    /**
     * @return address of the element slots (0 while the capacity is 0).
     */
    public long elementsAddress()
    {
        return regions.getLong(address + ELEMENTS_OFFSET);
    }

    /**
     * @return true if there are no elements.
     */
    public boolean isEmpty()
    {
        return size() == 0;
    }

    long slot(final long index)
    {
        final long size = size();
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("index " + index + " size " + size);
        }
        return elementsAddress() + index * ELEMENT_LENGTH;
    }

    long element(final long index)
    {
        return regions.getLong(slot(index));
    }

    void element(final long index, final long value)
    {
        regions.putLong(slot(index), value);
    }

    void append(final long value)
    {
        final long size = size();
        if (size == capacity())
        {
            ensureCapacity(size + 1);
        }
        regions.putLong(elementsAddress() + size * ELEMENT_LENGTH, value);
        regions.putLong(address + SIZE_OFFSET, size + 1);
    }

    long removeLastElement()
    {
        final long size = size();
        if (size == 0)
        {
            throw new IndexOutOfBoundsException("vector is empty");
        }
        final long value = regions.getLong(elementsAddress() + (size - 1) * ELEMENT_LENGTH);
        regions.putLong(address + SIZE_OFFSET, size - 1);
        return value;
    }

    /**
     * Make room for at least {@code minCapacity} elements, moving them to a new block if needed.
     *
     * @param minCapacity wanted.
     * @return this vector.
     * @throws IllegalStateException          if the vector was wrapped without an allocator.
     * @throws SharedMemoryExhaustedException if the allocator has no room.
     */
    public V ensureCapacity(final long minCapacity)
    {
        final long capacity = capacity();
        if (minCapacity <= capacity)
        {
            return self();
        }
        if (allocator == null)
        {
            throw new IllegalStateException("vector wrapped without an allocator cannot grow");
        }
        if (minCapacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity " + minCapacity);
        }
        final long newCapacity = Math.max(minCapacity, Math.max(8, Math.min(MAX_CAPACITY, capacity * 2)));
        final long size = size();
        final long oldElements = elementsAddress();
        final long newElements = allocator.allocateOrThrow(newCapacity * ELEMENT_LENGTH);
        if (size > 0)
        {
            regions.copyMemory(oldElements, newElements, size * ELEMENT_LENGTH);
        }
        regions.putLong(address + ELEMENTS_OFFSET, newElements);
        regions.putLong(address + CAPACITY_OFFSET, newCapacity);
        allocator.free(oldElements);
        return self();
    }

    /**
     * Drop every element, keeping the capacity.
     *
     * @return this vector.
     */
    public V clear()
    {
        regions.putLong(address + SIZE_OFFSET, 0);
        return self();
    }

    /**
     * @return the elements as a Java array.
     */
    public long[] toLongArray()
    {
        final long size = size();
        if (size > Integer.MAX_VALUE - 8)
        {
            throw new MalformedStructureException("vector of " + size + " elements does not fit a Java array");
        }
        if (size == 0)
        {
            return new long[0];
        }
        final long elements = elementsAddress();
        regions.checkBounds(elements, size * ELEMENT_LENGTH);
        final long[] result = new long[(int)size];
        for (int i = 0; i < result.length; i++)
        {
            result[i] = regions.getLong(elements + (long)i * ELEMENT_LENGTH);
        }
        return result;
    }

    /**
     * Free the vector's element block and header. The vector must not be used afterwards.
     *
     * @throws IllegalStateException if the vector was wrapped without an allocator.
     */
    public void free()
    {
        if (allocator == null)
        {
            throw new IllegalStateException("vector wrapped without an allocator cannot be freed");
        }
        allocator.free(elementsAddress());
        allocator.free(address);
        address = Allocator.NULL_ADDRESS;
    }
}
