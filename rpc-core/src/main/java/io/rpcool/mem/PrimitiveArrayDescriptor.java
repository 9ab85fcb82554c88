package io.rpcool.mem;

/**
 * Layout of a primitive array other than {@code long[]} (which becomes a {@link SharedLongVector})
 * written by {@link SharedObjects}: the elements packed at their natural size.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Tag SharedTypes.PRIMITIVE_ARRAY                |  0
 *  +---------------------------------------------------------------+
 *  |          Element kind (BoxDescriptor.KIND_...)                |  4
 *  +---------------------------------------------------------------+
 *  |                 Length: number of elements                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |     Elements, packed, native byte order                      ... 16
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PrimitiveArrayDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int LENGTH_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    private PrimitiveArrayDescriptor()
    {
    }
}
