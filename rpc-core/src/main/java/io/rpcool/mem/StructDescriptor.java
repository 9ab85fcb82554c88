package io.rpcool.mem;

/**
 * Layout of a user-defined structure written through a {@link SharedStruct} flyweight.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Tag chosen by the structure (not 0x5243....)         |  0
 *  +---------------------------------------------------------------+
 *  |            Length of the structure, header included           |  4
 *  +---------------------------------------------------------------+
 *  |   Pointer mask: bit i set if the 8-byte field at              |  8
 *  |   HEADER_LENGTH + 8 * i holds a pointer                       |
 *  +---------------------------------------------------------------+
 *  |                  Fields defined by the structure             ... 16
 *  +---------------------------------------------------------------+
 * </pre>
 * The pointer mask makes every structure self-describing, so {@link SharedObjects#copy} can move a
 * graph of structures to another heap without knowing their classes.
 */
public final class StructDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int LENGTH_OFFSET = 4;
    public static final int POINTER_MASK_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    /**
     * Largest structure: the pointer mask covers 64 fields of 8 bytes.
     */
    public static final int MAX_LENGTH = HEADER_LENGTH + 64 * 8;

    private StructDescriptor()
    {
    }
}
