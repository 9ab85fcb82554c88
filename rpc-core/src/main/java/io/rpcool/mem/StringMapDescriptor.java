package io.rpcool.mem;

/**
 * Layout of a {@link SharedStringMap}: an open-addressing hash table with linear probing, keyed by
 * {@link SharedString} pointers. The header stays put while the table is replaced as the map grows.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   Tag SharedTypes.STRING_MAP                  |  0
 *  +---------------------------------------------------------------+
 *  |          Value kind: VALUE_LONG or VALUE_POINTER              |  4
 *  +---------------------------------------------------------------+
 *  |                  Size: number of entries                      |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        Capacity: number of slots, a power of two              | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |         Table: absolute address of Capacity slots             | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *
 *  Slot (16 bytes):
 *  +---------------------------------------------------------------+
 *  |        Key: pointer to a SharedString, 0 for an empty slot    |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        Value: a long, or a pointer when VALUE_POINTER         |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * A key's home slot is {@code hash & (capacity - 1)} with the hash stored in the key string. The
 * table is kept at most half full; removal shifts later entries back, so there are no tombstones.
 */
public final class StringMapDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int VALUE_KIND_OFFSET = 4;
    public static final int SIZE_OFFSET = 8;
    public static final int CAPACITY_OFFSET = 16;
    public static final int TABLE_OFFSET = 24;
    public static final int HEADER_LENGTH = 32;
    public static final int SLOT_LENGTH = 16;
    public static final int SLOT_KEY_OFFSET = 0;
    public static final int SLOT_VALUE_OFFSET = 8;

    public static final int VALUE_LONG = 0;
    public static final int VALUE_POINTER = 1;

    public static final long MIN_CAPACITY = 8;
    public static final long MAX_CAPACITY = 1L << 40;

    private StringMapDescriptor()
    {
    }
}
