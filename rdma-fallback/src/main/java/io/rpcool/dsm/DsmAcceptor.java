package io.rpcool.dsm;

/**
 * The server's listening TCP socket: {@link #accept} takes the next client and opens the DSM heap
 * with it. The socket belongs to the native library, which hands the connection to the pager.
 */
public final class DsmAcceptor implements AutoCloseable
{
    private final int fd;
    private final int port;
    private boolean closed;

    private DsmAcceptor(final int fd, final int port)
    {
        this.fd = fd;
        this.port = port;
    }

    /**
     * @param host  IPv4 address to listen on, e.g. {@code "127.0.0.1"}.
     * @param port  TCP port, 0 for any free one.
     * @return the listening acceptor.
     */
    public static DsmAcceptor bind(final String host, final int port)
    {
        final DsmLibrary lib = Dsm.lib();
        final int fd = lib.listen(host, port);
        if (fd < 0)
        {
            throw new DsmException("listen on " + host + ":" + port + ": " + lib.lastError());
        }
        final int bound = lib.localPort(fd);
        if (bound < 0)
        {
            lib.closeFd(fd);
            throw new DsmException("local port of " + host + ":" + port + ": " + lib.lastError());
        }
        return new DsmAcceptor(fd, bound);
    }

    /** The port it listens on. */
    public int port()
    {
        return port;
    }

    /**
     * Wait for a client and open the heap with it as the server (which owns every page at first).
     *
     * @param config     address, size and timing of the heap; the client must name the same heap.
     * @param timeoutMs  how long to wait for the client and for its handshake.
     * @return the open heap.
     * @throws DsmException when no client came, or the handshake or the mapping failed.
     */
    public synchronized DsmHeap accept(final DsmConfig config, final int timeoutMs)
    {
        if (closed)
        {
            throw new IllegalStateException("acceptor closed");
        }
        final DsmLibrary lib = Dsm.lib();
        final int sock = lib.accept(fd, timeoutMs);
        if (sock < 0)
        {
            throw new DsmException("accept on port " + port + ": " + lib.lastError());
        }
        return DsmHeap.open(config, sock, DsmHeap.ROLE_SERVER, timeoutMs);
    }

    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            Dsm.lib().closeFd(fd);
        }
    }
}
