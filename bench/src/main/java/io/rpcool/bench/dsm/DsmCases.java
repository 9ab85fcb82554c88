package io.rpcool.bench.dsm;

import io.rpcool.dsm.DsmHeap;

/**
 * Names and layout of the {@code dsm} suite: page fetches over the DSM against raw 4 KiB
 * TCP round trips on the same loopback path, and no-op round trips across memory domains.
 */
public final class DsmCases
{
    public static final String SUITE = "dsm";
    public static final String PAGE_FETCH_1 = "page-fetch-1";
    public static final String PAGE_FETCH_1024 = "page-fetch-1024";
    public static final String NOOP_RTT = "noop-rtt";
    /** An 8-byte call whose argument the server reads in place in the DSM heap: two page moves per call. */
    public static final String POINTER_READ = "pointer-read";
    /** How the harness names the pointer-read run; its records become case {@link #POINTER_READ}, system {@link #RPCOOL_DSM_TCP}. */
    public static final String POINTER_READ_RUN = "rpcool-dsm-tcp-pointer-read";

    public static final String DSM_TCP = "dsm-tcp";
    public static final String RAW_TCP_4K = "raw-tcp-4k";
    public static final String RPCOOL_DSM_TCP = "rpcool-dsm-tcp";
    public static final String RPCOOL_TCP_FALLBACK = "rpcool-tcp-fallback";
    public static final String GRPC_TCP = "grpc-tcp";

    /** Memory domain of the no-op clients; the server stays in the default domain. */
    public static final String CLIENT_DOMAIN = "bench-dsm-client";

    /** Pages moved per sample of {@link #PAGE_FETCH_1024}. */
    public static final int BLOCK_PAGES = 1024;
    /** Pages of the fetch benchmark's heap: four blocks. */
    public static final int HEAP_PAGES = 4 * BLOCK_PAGES;
    public static final long HEAP_BYTES = HEAP_PAGES * DsmHeap.PAGE_SIZE;
    /**
     * Where the fetch benchmark maps its heap in both JVMs: inside the project's window, far above the
     * ranges daemons hand out from its bottom (the two JVMs run no daemon).
     */
    public static final long HEAP_ADDRESS = 0x5f70_0000_0000L;

    /** Control request to the fetch server: 24 bytes, {@code op, from, to} (the size of a DSM header). */
    public static final int CONTROL_BYTES = 24;
    /** Reply to every control request: one page, so the echo is the raw 4 KiB round trip. */
    public static final int REPLY_BYTES = (int)DsmHeap.PAGE_SIZE;
    /** Control op: reply at once (the raw round trip). */
    public static final long OP_ECHO = 0;
    /** Control op: read pages {@code [from, to)}, taking them back from the client, then reply. */
    public static final long OP_TAKE = 1;

    private DsmCases()
    {
    }
}
