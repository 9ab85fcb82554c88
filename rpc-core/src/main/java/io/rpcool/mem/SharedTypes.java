package io.rpcool.mem;

/**
 * Type tags of the structures this package keeps in shared memory. Every structure starts with a
 * 32-bit tag so that a pointer read as the wrong type fails with {@link SharedTypeException} rather
 * than being misread.
 * <p>
 * A tag is {@code 'R' 'C' kind version}: the high half {@code 0x5243} is reserved for this package,
 * the third byte names the kind and the low byte its layout version. User-defined structures
 * ({@link SharedStruct}) pick any other non-zero tag.
 */
public final class SharedTypes
{
    public static final int RESERVED_PREFIX = 0x5243;
    public static final int STRING = 0x5243_0101;
    public static final int LONG_VECTOR = 0x5243_0201;
    public static final int POINTER_VECTOR = 0x5243_0301;
    public static final int STRING_MAP = 0x5243_0401;
    public static final int JSON_NODE = 0x5243_0501;
    public static final int BOX = 0x5243_0601;
    public static final int PRIMITIVE_ARRAY = 0x5243_0701;
    public static final int RECORD = 0x5243_0801;

    private SharedTypes()
    {
    }

    /**
     * @param tag a type tag.
     * @return true if the tag belongs to this package's range.
     */
    public static boolean isReserved(final int tag)
    {
        return (tag >>> 16) == RESERVED_PREFIX;
    }

    /**
     * @param tag a type tag.
     * @return a readable name for messages.
     */
    public static String name(final int tag)
    {
        switch (tag)
        {
            case STRING: return "SharedString";
            case LONG_VECTOR: return "SharedLongVector";
            case POINTER_VECTOR: return "SharedPointerVector";
            case STRING_MAP: return "SharedStringMap";
            case JSON_NODE: return "SharedJson node";
            case BOX: return "boxed value";
            case PRIMITIVE_ARRAY: return "primitive array";
            case RECORD: return "record";
            default:
                if (isReserved(tag))
                {
                    return "unknown or newer version 0x" + Integer.toHexString(tag);
                }
                return tag == 0 ? "nothing (tag 0)" : "user structure 0x" + Integer.toHexString(tag);
        }
    }

    /**
     * Read the tag of the structure at {@code address}.
     *
     * @param regions the regions the structure must lie in.
     * @param address of the structure; must not be null.
     * @return its tag.
     * @throws MalformedStructureException if address is {@link Allocator#NULL_ADDRESS}: a null pointer
     *                                     where a structure was expected.
     * @throws SharedMemoryBoundsException if address lies outside the regions.
     */
    public static int tagAt(final RegionSet regions, final long address)
    {
        if (address == Allocator.NULL_ADDRESS)
        {
            throw new MalformedStructureException("null pointer where a structure was expected");
        }
        return regions.getInt(address);
    }

    /**
     * Check the tag of the structure at {@code address}.
     *
     * @param regions  the regions the structure must lie in.
     * @param address  of the structure.
     * @param expected tag.
     * @throws SharedTypeException if the tag differs.
     */
    public static void checkTag(final RegionSet regions, final long address, final int expected)
    {
        final int tag = tagAt(regions, address);
        if (tag != expected)
        {
            throw new SharedTypeException("expected " + name(expected) + " at 0x" + Long.toHexString(address) +
                " but found " + name(tag));
        }
    }
}
