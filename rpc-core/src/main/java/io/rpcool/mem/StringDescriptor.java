package io.rpcool.mem;

/**
 * Layout of a {@link SharedString}: UTF-8 bytes with a length prefix and a cached hash.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Tag SharedTypes.STRING                    |  0
 *  +---------------------------------------------------------------+
 *  |                      Length in bytes                          |  4
 *  +---------------------------------------------------------------+
 *  |                Hash of the bytes (SharedString.hash)          |  8
 *  +---------------------------------------------------------------+
 *  |                           reserved                            | 12
 *  +---------------------------------------------------------------+
 *  |                        UTF-8 bytes                           ... 16
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class StringDescriptor
{
    public static final int TAG_OFFSET = 0;
    public static final int LENGTH_OFFSET = 4;
    public static final int HASH_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    private StringDescriptor()
    {
    }
}
