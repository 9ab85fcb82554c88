package io.rpcool.mem;

/**
 * Layout of a JSON node of {@link SharedJson}: one 16-byte node per value, linked by absolute
 * pointers.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   Tag SharedTypes.JSON_NODE                   |  0
 *  +---------------------------------------------------------------+
 *  |                           Kind                                |  4
 *  +---------------------------------------------------------------+
 *  |  Value, by kind:                                              |  8
 *  |    NULL     0                                                 |
 *  |    BOOLEAN  0 or 1                                            |
 *  |    LONG     the value                                         |
 *  |    DOUBLE   the IEEE 754 bits                                 |
 *  |    STRING   pointer to a SharedString                         |
 *  |    ARRAY    pointer to a SharedPointerVector of element nodes |
 *  |    OBJECT   pointer to a SharedPointerVector holding key      |
 *  |             SharedString and value node pointers alternately, |
 *  |             in insertion order                                |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class JsonNodeDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int VALUE_OFFSET = 8;
    public static final int LENGTH = 16;

    public static final int KIND_NULL = 0;
    public static final int KIND_BOOLEAN = 1;
    public static final int KIND_LONG = 2;
    public static final int KIND_DOUBLE = 3;
    public static final int KIND_STRING = 4;
    public static final int KIND_ARRAY = 5;
    public static final int KIND_OBJECT = 6;

    private JsonNodeDescriptor()
    {
    }
}
