package io.rpcool.mem;

/**
 * Layout of a boxed primitive written by {@link SharedObjects} where a Java {@code Long},
 * {@code Integer}, {@code Boolean}, ... is referenced by pointer (a list element, an {@code Object}
 * field). Also defines the primitive kinds shared with {@link PrimitiveArrayDescriptor} and
 * {@link RecordDescriptor}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      Tag SharedTypes.BOX                      |  0
 *  +---------------------------------------------------------------+
 *  |                 Primitive kind (KIND_...)                     |  4
 *  +---------------------------------------------------------------+
 *  |   Value widened to 64 bits: booleans 0/1, integers sign-      |  8
 *  |   extended (char zero-extended), floats as their raw bits     |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class BoxDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int VALUE_OFFSET = 8;
    public static final int LENGTH = 16;

    public static final int KIND_BOOLEAN = 1;
    public static final int KIND_BYTE = 2;
    public static final int KIND_SHORT = 3;
    public static final int KIND_CHAR = 4;
    public static final int KIND_INT = 5;
    public static final int KIND_LONG = 6;
    public static final int KIND_FLOAT = 7;
    public static final int KIND_DOUBLE = 8;

    private BoxDescriptor()
    {
    }

    /**
     * @param kind a primitive kind.
     * @return its size in bytes in a primitive array.
     */
    public static int elementLength(final int kind)
    {
        switch (kind)
        {
            case KIND_BOOLEAN:
            case KIND_BYTE:
                return 1;
            case KIND_SHORT:
            case KIND_CHAR:
                return 2;
            case KIND_INT:
            case KIND_FLOAT:
                return 4;
            case KIND_LONG:
            case KIND_DOUBLE:
                return 8;
            default:
                throw new MalformedStructureException("unknown primitive kind " + kind);
        }
    }

    /**
     * @param type a primitive or box class.
     * @return its kind, or 0 if it is neither.
     */
    public static int kindOf(final Class<?> type)
    {
        if (type == boolean.class || type == Boolean.class)
        {
            return KIND_BOOLEAN;
        }
        if (type == byte.class || type == Byte.class)
        {
            return KIND_BYTE;
        }
        if (type == short.class || type == Short.class)
        {
            return KIND_SHORT;
        }
        if (type == char.class || type == Character.class)
        {
            return KIND_CHAR;
        }
        if (type == int.class || type == Integer.class)
        {
            return KIND_INT;
        }
        if (type == long.class || type == Long.class)
        {
            return KIND_LONG;
        }
        if (type == float.class || type == Float.class)
        {
            return KIND_FLOAT;
        }
        if (type == double.class || type == Double.class)
        {
            return KIND_DOUBLE;
        }
        return 0;
    }

    /**
     * @param value a box.
     * @return its value widened to 64 bits.
     */
    public static long bits(final Object value)
    {
        if (value instanceof Boolean)
        {
            return (Boolean)value ? 1 : 0;
        }
        if (value instanceof Character)
        {
            return (Character)value;
        }
        if (value instanceof Float)
        {
            return Float.floatToRawIntBits((Float)value);
        }
        if (value instanceof Double)
        {
            return Double.doubleToRawLongBits((Double)value);
        }
        return ((Number)value).longValue();
    }

    /**
     * @param kind a primitive kind.
     * @param bits its value widened to 64 bits.
     * @return the box.
     */
    public static Object box(final int kind, final long bits)
    {
        switch (kind)
        {
            case KIND_BOOLEAN: return bits != 0;
            case KIND_BYTE: return (byte)bits;
            case KIND_SHORT: return (short)bits;
            case KIND_CHAR: return (char)bits;
            case KIND_INT: return (int)bits;
            case KIND_LONG: return bits;
            case KIND_FLOAT: return Float.intBitsToFloat((int)bits);
            case KIND_DOUBLE: return Double.longBitsToDouble(bits);
            default: throw new MalformedStructureException("unknown primitive kind " + kind);
        }
    }
}
