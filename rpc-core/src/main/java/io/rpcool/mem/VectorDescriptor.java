package io.rpcool.mem;

/**
 * Layout of the growable vectors {@link SharedLongVector} and {@link SharedPointerVector}. The header
 * stays at a fixed address while the elements move to a larger block as the vector grows, so a
 * pointer to a vector remains valid.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Tag LONG_VECTOR or POINTER_VECTOR                    |  0
 *  +---------------------------------------------------------------+
 *  |    Role: what the elements stand for (LIST, SET, ARRAY, ...)  |  4
 *  +---------------------------------------------------------------+
 *  |                   Size: number of elements                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Capacity: number of element slots                  | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Elements: absolute address of Capacity 8-byte slots, or 0   | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Invariant checked on every access: {@code 0 <= size <= capacity} and the slots lie inside the
 * regions the reader was handed.
 */
public final class VectorDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int ROLE_OFFSET = 4;
    public static final int SIZE_OFFSET = 8;
    public static final int CAPACITY_OFFSET = 16;
    public static final int ELEMENTS_OFFSET = 24;
    public static final int HEADER_LENGTH = 32;
    public static final int ELEMENT_LENGTH = 8;

    /**
     * Largest capacity whose slots can be addressed without overflow.
     */
    public static final long MAX_CAPACITY = Long.MAX_VALUE / 16;

    public static final int ROLE_LIST = 0;
    public static final int ROLE_SET = 1;
    public static final int ROLE_ARRAY = 2;
    public static final int ROLE_MAP_ENTRIES = 3;
    public static final int ROLE_JSON_ARRAY = 4;
    public static final int ROLE_JSON_MEMBERS = 5;

    private VectorDescriptor()
    {
    }
}
