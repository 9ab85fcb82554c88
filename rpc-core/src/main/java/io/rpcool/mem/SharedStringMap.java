package io.rpcool.mem;

import static io.rpcool.mem.StringMapDescriptor.*;

/**
 * Hash map from strings to {@code long} values or pointers, entirely in shared memory (layout in
 * {@link StringMapDescriptor}). The map owns its key strings: it copies keys in on insertion and
 * frees them on removal. Values are plain longs or pointers (the map does not own what they point
 * to), as chosen when the map is created.
 * <p>
 * A flyweight: {@code wrap} it over an address to read, or over an address and an allocator to also
 * insert and remove. Probing is bounded by the capacity, so a hostile table (full, or with keys that
 * are not strings) raises an exception rather than looping. Not thread-safe: one writer at a time.
 */
public final class SharedStringMap
{
    /**
     * Receives entries from {@link #forEach(EntryConsumer)}.
     */
    @FunctionalInterface
    public interface EntryConsumer
    {
        /**
         * @param keyAddress address of the key's {@link SharedString}.
         * @param value      the entry's value.
         */
        void onEntry(long keyAddress, long value);
    }

    private final SharedString key = new SharedString();
    private byte[] scratch = new byte[64];
    private int scratchLength;
    private int scratchHash;
    private RegionSet regions;
    private Allocator allocator;
    private long address;

    /**
     * Create an empty map.
     *
     * @param allocator to take the memory from.
     * @param valueKind {@link StringMapDescriptor#VALUE_LONG} or {@link StringMapDescriptor#VALUE_POINTER}.
     * @return address of the new map.
     */
    public static long allocate(final Allocator allocator, final int valueKind)
    {
        if (valueKind != VALUE_LONG && valueKind != VALUE_POINTER)
        {
            throw new IllegalArgumentException("value kind " + valueKind);
        }
        final RegionSet r = allocator.regions();
        final long table = allocator.allocateZeroed(MIN_CAPACITY * SLOT_LENGTH);
        final long address = allocator.allocateOrThrow(HEADER_LENGTH);
        r.putInt(address + TAG_OFFSET, SharedTypes.STRING_MAP);
        r.putInt(address + VALUE_KIND_OFFSET, valueKind);
        r.putLong(address + SIZE_OFFSET, 0);
        r.putLong(address + CAPACITY_OFFSET, MIN_CAPACITY);
        r.putLong(address + TABLE_OFFSET, table);
        return address;
    }

    /**
     * Wrap a map for reading.
     *
     * @param regions the map must lie in.
     * @param address of the map.
     * @return this flyweight.
     */
    public SharedStringMap wrap(final RegionSet regions, final long address)
    {
        SharedTypes.checkTag(regions, address, SharedTypes.STRING_MAP);
        regions.checkBounds(address, HEADER_LENGTH);
        this.regions = regions;
        this.allocator = null;
        this.address = address;
        valueKind();
        size();
        return this;
    }

    /**
     * Wrap a map for reading and writing.
     *
     * @param allocator the map's memory came from.
     * @param address   of the map.
     * @return this flyweight.
     */
    public SharedStringMap wrap(final Allocator allocator, final long address)
    {
        wrap(allocator.regions(), address);
        this.allocator = allocator;
        return this;
    }

    public long address()
    {
        return address;
    }

    /**
     * @return {@link StringMapDescriptor#VALUE_LONG} or {@link StringMapDescriptor#VALUE_POINTER}.
     */
    public int valueKind()
    {
        final int kind = regions.getInt(address + VALUE_KIND_OFFSET);
        if (kind != VALUE_LONG && kind != VALUE_POINTER)
        {
            throw new MalformedStructureException("map at 0x" + Long.toHexString(address) + " has value kind " + kind);
        }
        return kind;
    }

    /**
     * @return number of entries.
     */
    public long size()
    {
        final long size = regions.getLong(address + SIZE_OFFSET);
        final long capacity = capacity();
        if (size < 0 || size >= capacity)
        {
            throw new MalformedStructureException("map at 0x" + Long.toHexString(address) + " has size " + size +
                " for capacity " + capacity);
        }
        return size;
    }

    public boolean isEmpty()
    {
        return size() == 0;
    }

    /**
     * @return number of slots.
     */
    public long capacity()
    {
        final long capacity = regions.getLong(address + CAPACITY_OFFSET);
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1)
        {
            throw new MalformedStructureException("map at 0x" + Long.toHexString(address) + " has capacity " +
                capacity);
        }
        return capacity;
    }

    private long table()
    {
        return regions.getLong(address + TABLE_OFFSET);
    }

    private void encode(final String k)
    {
        final int maxBytes = k.length() * 3;
        if (scratch.length < maxBytes)
        {
            scratch = new byte[Math.max(maxBytes, scratch.length * 2)];
        }
        scratchLength = Utf8.encode(k, scratch);
        scratchHash = SharedString.hash(scratch, 0, scratchLength);
    }

    /**
     * Find the slot of the encoded key, or the empty slot where it would go.
     *
     * @return slot address; the key field is 0 if the key is absent.
     */
    private long find()
    {
        final long capacity = capacity();
        final long mask = capacity - 1;
        final long table = table();
        long index = scratchHash & mask;
        for (long probes = 0; probes < capacity; probes++)
        {
            final long slot = table + index * SLOT_LENGTH;
            final long keyAddress = regions.getLong(slot + SLOT_KEY_OFFSET);
            if (keyAddress == 0)
            {
                return slot;
            }
            key.wrap(regions, keyAddress);
            if (key.hash() == scratchHash && key.contentEquals(scratch, scratchLength))
            {
                return slot;
            }
            index = (index + 1) & mask;
        }
        throw new MalformedStructureException("map at 0x" + Long.toHexString(address) + " has no empty slot");
    }

    /**
     * @param k key.
     * @return true if the map holds the key.
     */
    public boolean containsKey(final String k)
    {
        encode(k);
        return regions.getLong(find() + SLOT_KEY_OFFSET) != 0;
    }

    /**
     * @param k            key.
     * @param missingValue returned when the key is absent.
     * @return the value, or missingValue.
     */
    public long get(final String k, final long missingValue)
    {
        encode(k);
        final long slot = find();
        return regions.getLong(slot + SLOT_KEY_OFFSET) != 0 ? regions.getLong(slot + SLOT_VALUE_OFFSET) : missingValue;
    }

    /**
     * @param k key.
     * @return the pointer stored under the key, or {@link Allocator#NULL_ADDRESS} if absent.
     */
    public long get(final String k)
    {
        return get(k, Allocator.NULL_ADDRESS);
    }

    /**
     * Insert or replace.
     *
     * @param k     key.
     * @param value value or pointer.
     * @return true if the key was new.
     */
    public boolean put(final String k, final long value)
    {
        checkWritable();
        encode(k);
        long slot = find();
        if (regions.getLong(slot + SLOT_KEY_OFFSET) != 0)
        {
            regions.putLong(slot + SLOT_VALUE_OFFSET, value);
            return false;
        }
        final long size = size();
        if ((size + 1) * 2 > capacity())
        {
            rehash(capacity() * 2);
            slot = find();
        }
        final long keyAddress = SharedString.allocate(allocator, scratch, 0, scratchLength);
        regions.putLong(slot + SLOT_VALUE_OFFSET, value);
        regions.putLong(slot + SLOT_KEY_OFFSET, keyAddress);
        regions.putLong(address + SIZE_OFFSET, size + 1);
        return true;
    }

    /**
     * Remove a key and free its string.
     *
     * @param k key.
     * @return true if the key was present.
     */
    public boolean remove(final String k)
    {
        checkWritable();
        encode(k);
        long slot = find();
        final long keyAddress = regions.getLong(slot + SLOT_KEY_OFFSET);
        if (keyAddress == 0)
        {
            return false;
        }
        final long capacity = capacity();
        final long mask = capacity - 1;
        final long table = table();
        long hole = (slot - table) / SLOT_LENGTH;
        long index = hole;
        for (long probes = 0; probes < capacity; probes++)
        {
            index = (index + 1) & mask;
            final long candidate = table + index * SLOT_LENGTH;
            final long candidateKey = regions.getLong(candidate + SLOT_KEY_OFFSET);
            if (candidateKey == 0)
            {
                break;
            }
            final long home = key.wrap(regions, candidateKey).hash() & mask;
            final boolean movable = hole <= index ? (home <= hole || home > index) : (home <= hole && home > index);
            if (movable)
            {
                regions.putLong(table + hole * SLOT_LENGTH + SLOT_KEY_OFFSET, candidateKey);
                regions.putLong(table + hole * SLOT_LENGTH + SLOT_VALUE_OFFSET,
                    regions.getLong(candidate + SLOT_VALUE_OFFSET));
                hole = index;
            }
        }
        slot = table + hole * SLOT_LENGTH;
        regions.putLong(slot + SLOT_KEY_OFFSET, 0);
        regions.putLong(slot + SLOT_VALUE_OFFSET, 0);
        regions.putLong(address + SIZE_OFFSET, size() - 1);
        allocator.free(keyAddress);
        return true;
    }

    private void rehash(final long newCapacity)
    {
        final long oldCapacity = capacity();
        final long oldTable = table();
        final long newTable = allocator.allocateZeroed(newCapacity * SLOT_LENGTH);
        final long mask = newCapacity - 1;
        for (long i = 0; i < oldCapacity; i++)
        {
            final long slot = oldTable + i * SLOT_LENGTH;
            final long keyAddress = regions.getLong(slot + SLOT_KEY_OFFSET);
            if (keyAddress != 0)
            {
                long index = key.wrap(regions, keyAddress).hash() & mask;
                while (regions.getLong(newTable + index * SLOT_LENGTH + SLOT_KEY_OFFSET) != 0)
                {
                    index = (index + 1) & mask;
                }
                regions.putLong(newTable + index * SLOT_LENGTH + SLOT_KEY_OFFSET, keyAddress);
                regions.putLong(newTable + index * SLOT_LENGTH + SLOT_VALUE_OFFSET,
                    regions.getLong(slot + SLOT_VALUE_OFFSET));
            }
        }
        regions.putLong(address + TABLE_OFFSET, newTable);
        regions.putLong(address + CAPACITY_OFFSET, newCapacity);
        allocator.free(oldTable);
    }

    /**
     * Visit every entry, in table order.
     *
     * @param consumer receives each entry.
     */
    public void forEach(final EntryConsumer consumer)
    {
        final long capacity = capacity();
        final long table = table();
        regions.checkBounds(table, capacity * SLOT_LENGTH);
        for (long i = 0; i < capacity; i++)
        {
            final long slot = table + i * SLOT_LENGTH;
            final long keyAddress = regions.getLong(slot + SLOT_KEY_OFFSET);
            if (keyAddress != 0)
            {
                consumer.onEntry(keyAddress, regions.getLong(slot + SLOT_VALUE_OFFSET));
            }
        }
    }

    /**
     * Free the table, the key strings and the header (not what pointer values point to). The map
     * must not be used afterwards.
     */
    public void free()
    {
        checkWritable();
        forEach((keyAddress, value) -> allocator.free(keyAddress));
        allocator.free(table());
        allocator.free(address);
        address = Allocator.NULL_ADDRESS;
    }

    private void checkWritable()
    {
        if (allocator == null)
        {
            throw new IllegalStateException("map wrapped without an allocator is read-only");
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(SharedString.read(regions, k)).append('=')
            .append(v));
        return sb.append('}').toString();
    }
}
