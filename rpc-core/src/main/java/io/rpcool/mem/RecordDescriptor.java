package io.rpcool.mem;

/**
 * Layout of a Java record copied by {@link SharedObjects}: one 8-byte slot per component, primitives
 * inline and everything else by pointer.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Tag SharedTypes.RECORD                     |  0
 *  +---------------------------------------------------------------+
 *  |                  Component count (n)                          |  4
 *  +---------------------------------------------------------------+
 *  |  Fingerprint: hash of the class name and the names and        |  8
 *  |  generic types of its components                              |
 *  +---------------------------------------------------------------+
 *  |  Pointer mask: ceil(n / 64) words, bit i of the mask set if   | 16
 *  |  slot i holds a pointer                                      ...
 *  +---------------------------------------------------------------+
 *  |  Slots: n 8-byte values, primitives widened as in a box,     ... 16 + 8 * ceil(n / 64)
 *  |  references as absolute pointers (0 for null)                 |
 *  +---------------------------------------------------------------+
 * </pre>
 * The fingerprint makes reading a record as the wrong class (or as a changed version of its class)
 * a {@link SharedTypeException}; the pointer mask lets {@link SharedObjects#copy} move records between
 * heaps without their classes.
 */
public final class RecordDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int COUNT_OFFSET = 4;
    public static final int FINGERPRINT_OFFSET = 8;
    public static final int MASK_OFFSET = 16;

    /**
     * Most components a stored record may claim; Java itself allows at most 255.
     */
    public static final int MAX_COMPONENTS = 255;

    private RecordDescriptor()
    {
    }

    /**
     * @param count components.
     * @return number of mask words.
     */
    public static int maskWords(final int count)
    {
        return (count + 63) >>> 6;
    }

    /**
     * @param count components.
     * @return offset of slot 0.
     */
    public static int slotsOffset(final int count)
    {
        return MASK_OFFSET + 8 * maskWords(count);
    }

    /**
     * @param count components.
     * @return total length of the record.
     */
    public static int length(final int count)
    {
        return slotsOffset(count) + 8 * count;
    }
}
