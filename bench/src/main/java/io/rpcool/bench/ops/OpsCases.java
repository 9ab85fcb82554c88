package io.rpcool.bench.ops;

import java.util.List;

/**
 * Cases and systems of the {@code ops} suite, the operations of the paper's Table 4.2 it times
 * itself, and descriptions of the seal/release and sandbox enter/exit cases that their own
 * harnesses add ({@link IncludedRecords}).
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
    /** True for a case this suite measures itself (not one included from the seal or sandbox harness). */
    public static boolean isOwn(final String caseName)
    {
        return caseName.startsWith(SUITE + "-");
    }

    /** What one operation of an included seal or sandbox case is, from its name; empty if unknown. */
    public static String describeIncluded(final String caseName)
    {
        if (caseName.equals("seal-release-1page"))
        {
            return "seal one page, the receiver completes it, release it (one buffer)";
        }
        if (caseName.equals("seal-release-1024pages"))
        {
            return "the same for a 4 MiB range (one buffer)";
        }
        if (caseName.equals("seal-1page-of-1024"))
        {
            return "seal one page of a 1024-page heap";
        }
        if (caseName.equals("release-unbatched"))
        {
            return "1024 completed one-page seals released one by one, per seal";
        }
        if (caseName.startsWith("release-batched"))
        {
            return "the same 1024 seals released with one call (one permission change), per seal";
        }
        if (caseName.startsWith("copy-vs-seal-crossover"))
        {
            return "smallest size at which sealing beats copying, in bytes; -1: at none of the sizes tried (up to 4 MiB; " +
                "1 MiB with --quick)";
        }
        if (caseName.startsWith("copy-vs-seal-rtt-"))
        {
            return "round trip with a request of that many bytes: copied by the server vs sealed";
        }
        if (caseName.startsWith("copy-"))
        {
            return "receiver copies that many bytes into private memory";
        }
        if (caseName.startsWith("seal-release-batched-"))
        {
            return "seal that many bytes' pages, complete, release in a batch";
        }
        if (caseName.startsWith("seal-release-"))
        {
            return "seal that many bytes' pages, complete, release";
        }
        if (caseName.equals("pool-allocate"))
        {
            return "create a 2 MiB cluster heap: ZooKeeper transaction of its address (and device range), the first lease, " +
                "its memory (a new tmpfs file, or the range zeroed)";
        }
        if (caseName.equals("pool-free"))
        {
            return "the last lease dropped and the orchestrator's reclaim of the heap (the file removed, or the range free again)";
        }
        if (caseName.equals("pool-map-heap"))
        {
            return "map a 2 MiB heap at its address (a tmpfs file, or the device from the range's start), touch a page, unmap";
        }
        if (caseName.equals("sandbox-enter-exit"))
        {
            return "enter and leave a sandbox around an empty body";
        }
        if (caseName.equals("noop-rtt"))
        {
            return "no-op round trip between two JVMs (the seal harness's own), unsealed, copied or sealed";
        }
        if (caseName.equals("sandbox-noop-rtt"))
        {
            return "no-op round trip, client and server threads in one JVM (a seal's mprotect then also interrupts the " +
                "server's CPU to flush its TLB, which two processes do not need: compare noop's rpcool-shm-sealed)";
        }
        return "";
    }

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
