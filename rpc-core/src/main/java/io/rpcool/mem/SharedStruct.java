package io.rpcool.mem;

import static io.rpcool.mem.StructDescriptor.*;

/**
 * Base of flyweights for user-defined fixed-layout structures in shared memory (layout in
 * {@link StructDescriptor}). A subclass names its tag, its length and which fields hold pointers,
 * defines field offsets as constants from {@link StructDescriptor#HEADER_LENGTH}, and exposes
 * accessors named after its fields built on the protected, bounds-checked getters and setters:
 * <pre>{@code
 * public final class TreeNode extends SharedStruct<TreeNode>
 * {
 *     public static final int TAG = 0x54524545;                      // 'TREE'
 *     static final int KEY_OFFSET = StructDescriptor.HEADER_LENGTH;  // long
 *     static final int LEFT_OFFSET = KEY_OFFSET + 8;                 // pointer, field 1
 *     static final int RIGHT_OFFSET = LEFT_OFFSET + 8;               // pointer, field 2
 *
 *     protected int typeTag() { return TAG; }
 *     protected int structLength() { return RIGHT_OFFSET + 8; }
 *     protected long pointerFieldMask() { return 0b110; }
 *
 *     public long key() { return getLong(KEY_OFFSET); }
 *     public TreeNode key(long value) { putLong(KEY_OFFSET, value); return this; }
 *     public long left() { return getLong(LEFT_OFFSET); }
 *     ...
 * }
 * }</pre>
 * {@link #wrap(RegionSet, long)} checks the tag and that the whole structure lies inside the regions;
 * every field access is checked again, so a structure that a peer overwrote or a pointer that leads
 * elsewhere raises an exception instead of reading foreign memory. Stored lengths larger than
 * {@link #structLength()} are accepted, so older readers can read structures that grew new fields.
 *
 * @param <S> the concrete structure type, returned by the fluent methods.
 */
public abstract class SharedStruct<S extends SharedStruct<S>>
{
    protected RegionSet regions;
    protected long address;

    /**
     * @return the structure's tag: non-zero and outside the range {@link SharedTypes} reserves.
     */
    protected abstract int typeTag();

    /**
     * @return length of the structure in bytes, header included, at most {@link StructDescriptor#MAX_LENGTH}.
     */
    protected abstract int structLength();

    /**
     * @return bit i set if the 8-byte field at {@code HEADER_LENGTH + 8 * i} holds a pointer.
     */
    protected long pointerFieldMask()
    {
        return 0;
    }

    @SuppressWarnings("unchecked")
    private S self()
    {
        return (S)this;
    }

    /**
     * Allocate a zeroed structure, write its header and wrap it.
     *
     * @param allocator to take the memory from.
     * @return this flyweight, wrapping the new structure.
     */
    public S allocate(final Allocator allocator)
    {
        final int tag = typeTag();
        final int length = structLength();
        if (tag == 0 || SharedTypes.isReserved(tag))
        {
            throw new IllegalStateException(getClass().getName() + " uses reserved tag 0x" + Integer.toHexString(tag));
        }
        if (length < HEADER_LENGTH || length > MAX_LENGTH)
        {
            throw new IllegalStateException(getClass().getName() + " has length " + length);
        }
        final long address = allocator.allocateZeroed(length);
        final RegionSet r = allocator.regions();
        r.putInt(address + TAG_OFFSET, tag);
        r.putInt(address + LENGTH_OFFSET, length);
        r.putLong(address + POINTER_MASK_OFFSET, pointerFieldMask());
        return wrap(r, address);
    }

    /**
     * Wrap the structure at {@code address}.
     *
     * @param regions the structure must lie in.
     * @param address of the structure.
     * @return this flyweight.
     * @throws SharedTypeException         if the tag is not this structure's.
     * @throws MalformedStructureException if the stored length is too short.
     * @throws SharedMemoryBoundsException if the structure runs outside the regions.
     */
    public S wrap(final RegionSet regions, final long address)
    {
        SharedTypes.checkTag(regions, address, typeTag());
        final int length = regions.getInt(address + LENGTH_OFFSET);
        if (length < structLength() || length > MAX_LENGTH)
        {
            throw new MalformedStructureException(getClass().getSimpleName() + " at 0x" + Long.toHexString(address) +
                " has length " + length + ", expected " + structLength());
        }
        regions.checkBounds(address, length);
        this.regions = regions;
        this.address = address;
        return self();
    }

    /**
     * @return address of the wrapped structure.
     */
    public long address()
    {
        return address;
    }

    /**
     * @return the regions the flyweight reads through.
     */
    public RegionSet regions()
    {
        return regions;
    }

    private long field(final int offset, final int length)
    {
        if (offset < HEADER_LENGTH || offset > structLength() - length)
        {
            throw new IndexOutOfBoundsException(getClass().getSimpleName() + " has no " + length + "-byte field at " +
                offset);
        }
        return address + offset;
    }

    protected final long getLong(final int offset)
    {
        return regions.getLong(field(offset, 8));
    }

    protected final void putLong(final int offset, final long value)
    {
        regions.putLong(field(offset, 8), value);
    }

    protected final int getInt(final int offset)
    {
        return regions.getInt(field(offset, 4));
    }

    protected final void putInt(final int offset, final int value)
    {
        regions.putInt(field(offset, 4), value);
    }

    protected final double getDouble(final int offset)
    {
        return regions.getDouble(field(offset, 8));
    }

    protected final void putDouble(final int offset, final double value)
    {
        regions.putDouble(field(offset, 8), value);
    }

    protected final byte getByte(final int offset)
    {
        return regions.getByte(field(offset, 1));
    }

    protected final void putByte(final int offset, final byte value)
    {
        regions.putByte(field(offset, 1), value);
    }

    /**
     * @param offset of a pointer field holding a {@link SharedString}.
     * @return the string, or null for a null pointer.
     */
    protected final String getString(final int offset)
    {
        final long pointer = getLong(offset);
        return pointer == Allocator.NULL_ADDRESS ? null : SharedString.read(regions, pointer);
    }
}
