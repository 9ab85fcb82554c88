package io.rpcool.examples.cooldb.shm;

/**
 * Layout of a CoolDB query result in shared memory: a table whose cells are pointers to JSON nodes,
 * mostly nodes of the stored documents themselves (a projected value, a whole document), so a result
 * copies no document data. The server builds it in an {@link io.rpcool.mem.RpcBuffer} of the
 * channel's shared heap and owns it until the client releases it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Tag {@link #TAG}                          |  0
 *  +---------------------------------------------------------------+
 *  |                         Reserved (0)                          |  4
 *  +---------------------------------------------------------------+
 *  |                         Rows (64 bits)                        |  8
 *  +---------------------------------------------------------------+
 *  |                        Columns (64 bits)                      | 16
 *  +---------------------------------------------------------------+
 *  |  Column names: pointer to a SharedPointerVector of            | 24
 *  |  SharedStrings, one per column                                |
 *  +---------------------------------------------------------------+
 *  |  Cells: pointer to a SharedPointerVector of rows * columns    | 32
 *  |  JSON node pointers in row-major order; 0 is an absent       |
 *  |  (null) cell                                                  |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ResultSetDescriptor
{
    /** 'C' 'D' 'B' and layout version 1; outside the range reserved by {@link io.rpcool.mem.SharedTypes}. */
    public static final int TAG = 0x4344_4201;
    public static final int TAG_OFFSET = 0;
    public static final int ROWS_OFFSET = 8;
    public static final int COLUMNS_OFFSET = 16;
    public static final int COLUMN_NAMES_OFFSET = 24;
    public static final int CELLS_OFFSET = 32;
    public static final int LENGTH = 40;

    private ResultSetDescriptor()
    {
    }
}
