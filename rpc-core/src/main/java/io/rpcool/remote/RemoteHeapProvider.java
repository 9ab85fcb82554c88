package io.rpcool.remote;

/**
 * Makes {@link RemoteHeap}s: the extension point through which rpc-core finds a distributed shared
 * memory ({@code rdma-fallback}'s page-ownership DSM) with {@link java.util.ServiceLoader}, listed in
 * {@code META-INF/services/io.rpcool.remote.RemoteHeapProvider}. rpc-core never imports an implementation.
 *
 * <p>The server side of a connection {@link #listen}s, tells the client the heap's address and size
 * and the listener's port (over the connection's TCP fallback), then {@link Listener#accept}s; the
 * client {@link #connect}s to that port and maps the heap at that address.
 */
public interface RemoteHeapProvider
{
    /** A short name for messages, e.g. {@code "dsm"}. */
    String name();

    /** True if heaps can be made in this process (kernel features, native library). */
    boolean isAvailable();

    /** Why not, or null if available. */
    Throwable unavailabilityCause();

    /**
     * Listen for the client of one heap.
     *
     * @param host  the IPv4 address to listen on (the channel's TCP fallback address).
     * @return the listener, bound to a free port.
     */
    Listener listen(String host);

    /**
     * Open the client side of a heap.
     *
     * @param host       the server's IPv4 address.
     * @param port       its listener's port.
     * @param address    where the heap maps (the server side chose it); refused if anything is mapped there.
     * @param size       its size in bytes.
     * @param timeoutMs  how long to wait for the connection and its handshake.
     * @return the open heap.
     */
    RemoteHeap connect(String host, int port, long address, long size, int timeoutMs);

    /** A server's listener for one heap. */
    interface Listener extends AutoCloseable
    {
        /** The port it listens on. */
        int port();

        /**
         * Wait for the client and open the server side of the heap (which owns every page at first).
         *
         * @param address    where the heap maps.
         * @param size       its size in bytes.
         * @param timeoutMs  how long to wait for the client and its handshake.
         * @return the open heap.
         */
        RemoteHeap accept(long address, long size, int timeoutMs);

        @Override
        void close();
    }
}
