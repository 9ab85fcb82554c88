package io.rpcool.examples.cooldb.shm;

/**
 * CoolDB's functions on its channel and the layout of their request and reply buffers. Documents and
 * results never travel in these buffers: they stay in the channel's shared heap and only their
 * pointers do.
 * <pre>
 * INSERT       request: key (long) @0, buffer (long) @8, root (long) @16         reply: document id (int) @0
 *              The client built the document in its own RpcBuffer of the channel's heap; on success
 *              the server owns the buffer and the client must not touch or free it.
 * BULK_INSERT  request: list (long) @0: a SharedLongVector of (key, buffer, root)  reply: documents added (int) @0
 *              triples; all documents are checked before any is added.
 * GET          request: key (long) @0                                             reply: root (long) @0, 0 if none
 * QUERY        request: release (long) @0: a result to release first, or 0;       reply: result set (long) @0,
 *                       query id (int) @8; key1, key2, text lengths (int) @12,           rows (long) @8
 *                       @16, @20, -1 for none; lo (long) @24; hi (long) @32;
 *                       then the UTF-8 bytes of key1, key2 and text from @40
 * RELEASE      request: result set (long) @0                                      reply: empty
 * COUNT        request: empty                                                     reply: documents (long) @0
 * </pre>
 * A result set ({@link ResultSetDescriptor}) belongs to the server until the client releases it,
 * which it may do with its next query; a connection holds at most {@link #MAX_RESULTS_PER_CONNECTION}.
 */
public final class CoolDbProtocol
{
    public static final String DEFAULT_CHANNEL = "/cooldb";

    public static final int INSERT = 1;
    public static final int BULK_INSERT = 2;
    public static final int GET = 3;
    public static final int QUERY = 4;
    public static final int RELEASE = 5;
    public static final int COUNT = 6;

    public static final int KEY_OFFSET = 0;
    public static final int BUFFER_OFFSET = 8;
    public static final int ROOT_OFFSET = 16;
    public static final int INSERT_LENGTH = 24;

    public static final int RELEASE_OFFSET = 0;
    public static final int QUERY_ID_OFFSET = 8;
    public static final int KEY1_LENGTH_OFFSET = 12;
    public static final int KEY2_LENGTH_OFFSET = 16;
    public static final int TEXT_LENGTH_OFFSET = 20;
    public static final int LO_OFFSET = 24;
    public static final int HI_OFFSET = 32;
    public static final int QUERY_STRINGS_OFFSET = 40;

    public static final int RESULT_OFFSET = 0;
    public static final int ROWS_OFFSET = 8;
    public static final int QUERY_REPLY_LENGTH = 16;

    /** Results one connection may hold unreleased. */
    public static final int MAX_RESULTS_PER_CONNECTION = 16;
    /** Documents in one bulk insert. */
    public static final int MAX_BULK = 1 << 20;

    private CoolDbProtocol()
    {
    }
}
