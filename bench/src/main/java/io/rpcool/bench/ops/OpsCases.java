package io.rpcool.bench.ops;

import java.util.List;

/**
 * Cases and systems of the {@code ops} suite, the operations of the paper's Table 4.2 that exist
 * so far (seal/release and sandbox enter/exit arrive with their features).
 */
public final class OpsCases
{
    public static final String SUITE = "ops";

    /** {@code rpc.connect(name)} and {@code close()} of a fresh shared-memory connection. */
    public static final String CONNECT = "ops-connect";
    /** {@code rpc.openChannel(name)} under a fresh name. */
    public static final String CREATE_CHANNEL = "ops-create-channel";
    /** {@code channel.close()} of a channel just opened. */
    public static final String DESTROY_CHANNEL = "ops-destroy-channel";
    /** Copy of 4 KiB. */
    public static final String MEMCPY_1_PAGE = "ops-memcpy-1-page";
    /** Copy of 4 MiB. */
    public static final String MEMCPY_1024_PAGES = "ops-memcpy-1024-pages";

    /** This project's shared memory. */
    public static final String RPCOOL = "rpcool";
    /** Plain {@code byte[]} arrays on the Java heap: the baseline of the copy cases. */
    public static final String JAVA_HEAP = "java-heap";

    /** Cases in report order. */
    public static final List<String> ALL = List.of(CONNECT, CREATE_CHANNEL, DESTROY_CHANNEL, MEMCPY_1_PAGE, MEMCPY_1024_PAGES);

    private OpsCases()
    {
    }

    /**
     * @param caseName  a case.
     * @param system    a system.
     * @return what one operation of the case does, for the Markdown table.
     */
    public static String describe(final String caseName, final String system)
    {
        final boolean heap = JAVA_HEAP.equals(system);
        switch (caseName)
        {
            case CONNECT:
                return "`connect(name)` + `close()` of a fresh connection: daemon round trips, both processes map " +
                    "and unmap the connection heap";
            case CREATE_CHANNEL:
                return "`openChannel(name)` under a fresh name: daemon round trip, TCP fallback listener, handler thread";
            case DESTROY_CHANNEL:
                return "`close()` of that channel: daemon round trip, handler thread and listener stopped";
            case MEMCPY_1_PAGE:
                return heap ? "`System.arraycopy` of 4 KiB between two `byte[]`" :
                    "`UnsafeBuffer.putBytes` of 4 KiB between two buffers in a connection's shared heap";
            case MEMCPY_1024_PAGES:
                return heap ? "`System.arraycopy` of 4 MiB between two `byte[]`" :
                    "`UnsafeBuffer.putBytes` of 4 MiB between two buffers in a connection's shared heap";
            default:
                return "";
        }
    }
}
