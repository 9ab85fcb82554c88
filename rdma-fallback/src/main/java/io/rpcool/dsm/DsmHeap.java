package io.rpcool.dsm;

import java.lang.invoke.VarHandle;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One side of a page-ownership DSM heap (DESIGN.md): {@link #size()} bytes at {@link #address()},
 * the same address on both sides, each page owned by exactly one side. Loads and stores anywhere
 * in the heap just work: touching a page the peer owns faults, the native pager fetches the page
 * over TCP and the access completes. The server ({@link DsmAcceptor#accept}) owns every page at
 * first; the client ({@link #connect}) none.
 *
 * <pre>
 *   try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);        // server
 *        DsmHeap heap = acceptor.accept(DsmConfig.of(0x5f00_0000_0000L, 1 &lt;&lt; 20), 10_000))
 *   {
 *       long head = heap.getLong(heap.address());                     // written by the client
 *   }
 *   try (DsmHeap heap = DsmHeap.connect("127.0.0.1", port, DsmConfig.of(0x5f00_0000_0000L, 1 &lt;&lt; 20), 10_000))
 *   {
 *       heap.putLong(heap.address(), 42);                             // client
 *   }
 * </pre>
 *
 * <h2>When the peer is gone</h2>
 * When the peer dies (its socket closes), closes its side or breaks the protocol, the pager makes
 * every page this side does not own raise SIGBUS and wakes the threads that were waiting for one.
 * HotSpot turns a SIGBUS in an {@code Unsafe} access into an {@link InternalError} ("a fault
 * occurred in an unsafe memory access"); this class's accessors turn that into a
 * {@link DsmPeerGoneException} naming the page and the reason. In compiled code HotSpot raises
 * that error asynchronously, at a later safepoint poll or runtime call of the thread, which may
 * lie outside the accessor. So the accessors read the pager's status word (a volatile load from
 * native memory) before every access, and once the pager stopped they check the pages' owner
 * and throw {@link DsmPeerGoneException} without touching a lost page. Only a thread that was
 * already waiting for a page when the peer died takes the SIGBUS; the accessor then makes a
 * native call inside its {@code try} to have the pending error delivered there, which HotSpot
 * does not promise: such a thread may see the {@link InternalError} a few instructions after the
 * accessor returned a meaningless value. Raw accesses through {@link #buffer()} see the
 * {@link InternalError} (possibly late) on every lost page. Pages this side owns stay readable
 * and writable until {@link #close()}.
 * <p>
 * A thread waiting for a page is in Java code as far as HotSpot knows, so it holds up every
 * safepoint of this JVM until the page arrives: one round trip with a live peer, at most
 * {@link DsmConfig#silenceNs()} with a silent one.
 * <p>
 * {@link #close()} unmaps the heap: no thread may touch it then.
 */
public final class DsmHeap implements io.rpcool.remote.RemoteHeap
{
    public static final long PAGE_SIZE = 4096;

    public static final int ROLE_SERVER = 0;
    public static final int ROLE_CLIENT = 1;

    /** The pager runs. */
    public static final int RUNNING = 0;
    /** The peer died, closed its side or a send to it failed: its pages are lost. */
    public static final int PEER_GONE = 1;
    /** The peer sent a message that breaks the protocol; the connection is closed. */
    public static final int PROTOCOL_ERROR = 2;
    /** This side closed the heap. */
    public static final int CLOSED = 3;
    /** The pager failed on a local error. */
    public static final int FAILED = 4;

    /** Counter: faults the pager served. */
    public static final int COUNTER_FAULTS = 0;
    /** Counter: REQUEST_PAGE messages sent. */
    public static final int COUNTER_REQUESTS = 1;
    /** Counter: pages received. */
    public static final int COUNTER_PAGES_IN = 2;
    /** Counter: pages given to the peer. */
    public static final int COUNTER_PAGES_OUT = 3;
    /** Counter: requests that waited for a page's hold time. */
    public static final int COUNTER_DEFERRED = 4;

    private static final String[] STATUS_NAMES = {"RUNNING", "PEER_GONE", "PROTOCOL_ERROR", "CLOSED", "FAILED"};

    private final DsmLibrary lib;
    private final DsmConfig config;
    private final int role;
    private final UnsafeBuffer buffer;
    private final long statusAddress;
    private long handle;
    /** Set before the native side is freed, so that {@link #isLost()} never reads a freed status word. */
    private volatile boolean closed;

    private DsmHeap(final DsmLibrary lib, final DsmConfig config, final int role, final long handle)
    {
        this.lib = lib;
        this.config = config;
        this.role = role;
        this.handle = handle;
        this.statusAddress = lib.statusAddress(handle);
        this.buffer = new UnsafeBuffer(config.address(), (int)Math.min(Integer.MAX_VALUE, config.size()));
    }

    /**
     * Connect to a server's {@link DsmAcceptor} and open the heap as the client.
     *
     * @param host       the server's IPv4 address.
     * @param port       its port.
     * @param config     the heap; the server must name the same address and size.
     * @param timeoutMs  how long to wait for the connection and for the handshake.
     * @return the open heap.
     * @throws DsmException when the connection, the handshake or the mapping failed.
     */
    public static DsmHeap connect(final String host, final int port, final DsmConfig config, final int timeoutMs)
    {
        final DsmLibrary lib = Dsm.lib();
        final int sock = lib.connect(host, port, timeoutMs);
        if (sock < 0)
        {
            throw new DsmException(lib.lastError());
        }
        return open(config, sock, ROLE_CLIENT, timeoutMs);
    }

    static DsmHeap open(final DsmConfig config, final int sock, final int role, final int timeoutMs)
    {
        final DsmLibrary lib = Dsm.lib();
        final long handle = lib.open(config.address(), config.size(), sock, role, timeoutMs);
        if (handle == 0 || lib.start(handle, config.holdNs(), config.silenceNs()) < 0)
        {
            throw new DsmException((role == ROLE_SERVER ? "server" : "client") + " side of the DSM heap at 0x" +
                Long.toHexString(config.address()) + ": " + lib.lastError());
        }
        return new DsmHeap(lib, config, role, handle);
    }

    /** Where the heap is mapped, the same on both sides. */
    @Override
    public long address()
    {
        return config.address();
    }

    /** Its size in bytes. */
    @Override
    public long size()
    {
        return config.size();
    }

    /** {@link #ROLE_SERVER} or {@link #ROLE_CLIENT}. */
    public int role()
    {
        return role;
    }

    /**
     * A buffer over the whole heap (index 0 is {@link #address()}; heaps above 2 GiB are cut to
     * 2 GiB). Accesses to pages lost with the peer throw {@link InternalError}.
     *
     * @return the buffer.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** {@link #RUNNING}, {@link #PEER_GONE}, {@link #PROTOCOL_ERROR}, {@link #CLOSED} or {@link #FAILED}. */
    public synchronized int status()
    {
        return handle == 0 ? CLOSED : lib.status(handle);
    }

    /** True once the pager stopped (peer gone, protocol error, closed): one volatile load of its status word. */
    @Override
    public boolean isLost()
    {
        return closed || UnsafeApi.getIntVolatile(null, statusAddress) != RUNNING;
    }

    @Override
    public String lostReason()
    {
        return reason();
    }

    /** Why the pager stopped, with the status name; empty while it runs. */
    public synchronized String reason()
    {
        if (handle == 0)
        {
            return "CLOSED: closed by this side";
        }
        final int status = lib.status(handle);
        return status == RUNNING ? "" : STATUS_NAMES[status] + ": " + lib.reason(handle);
    }

    /**
     * @param which  one of the {@code COUNTER_*} constants.
     * @return its value.
     */
    public synchronized long counter(final int which)
    {
        return handle == 0 ? 0 : lib.counter(handle, which);
    }

    /**
     * @param page  page index.
     * @return whether this side owns the page now (as the pager last recorded it).
     */
    public synchronized boolean owns(final long page)
    {
        final int state = handle == 0 ? 0 : lib.pageState(handle, page);
        return state == 1 || state == 3;
    }

    /**
     * @param address  absolute address in the heap.
     * @return the long there.
     * @throws DsmPeerGoneException if the page was lost with the peer.
     */
    public long getLong(final long address)
    {
        final int index = index(address, Long.BYTES);
        try
        {
            final long value = buffer.getLongVolatile(index);
            settle();
            return value;
        }
        catch (final InternalError ex)
        {
            throw lost(address, ex);
        }
    }

    /**
     * @param address  absolute address in the heap.
     * @param value    what to store there.
     * @throws DsmPeerGoneException if the page was lost with the peer.
     */
    public void putLong(final long address, final long value)
    {
        final int index = index(address, Long.BYTES);
        try
        {
            buffer.putLongVolatile(index, value);
            settle();
        }
        catch (final InternalError ex)
        {
            throw lost(address, ex);
        }
    }

    /**
     * @param address  absolute address in the heap.
     * @param dst      where the bytes go.
     * @param offset   first index in {@code dst}.
     * @param length   how many.
     * @throws DsmPeerGoneException if a page was lost with the peer.
     */
    public void getBytes(final long address, final byte[] dst, final int offset, final int length)
    {
        copy(address, dst, offset, length, false);
    }

    /**
     * @param address  absolute address in the heap.
     * @param src      the bytes.
     * @param offset   first index in {@code src}.
     * @param length   how many.
     * @throws DsmPeerGoneException if a page was lost with the peer.
     */
    public void putBytes(final long address, final byte[] src, final int offset, final int length)
    {
        copy(address, src, offset, length, true);
    }

    /**
     * Stop the pager (the peer gets GOODBYE and loses the pages this side owned), unmap the heap
     * and release its memory. No thread may touch the heap afterwards.
     */
    @Override
    public synchronized void close()
    {
        if (handle != 0)
        {
            closed = true;
            lib.close(handle);
            handle = 0;
        }
    }

    @Override
    public String toString()
    {
        return "DsmHeap[0x" + Long.toHexString(config.address()) + "+" + config.size() + ", " +
            (role == ROLE_SERVER ? "server" : "client") + "]";
    }

    /**
     * The buffer index of an access, checked; once the pager stopped, also checks that this side
     * owns every page the access touches, so a lost page fails here without a fault.
     */
    private int index(final long address, final int length)
    {
        final long offset = address - config.address();
        if (offset < 0 || length < 0 || offset > buffer.capacity() - (long)length)
        {
            throw new IndexOutOfBoundsException(String.format("0x%x+%d is outside the heap 0x%x+%d",
                address, length, config.address(), config.size()));
        }
        if (UnsafeApi.getIntVolatile(null, statusAddress) != RUNNING)
        {
            final long last = (offset + Math.max(length, 1) - 1) / PAGE_SIZE;
            for (long page = offset / PAGE_SIZE; page <= last; page++)
            {
                if (!owns(page))
                {
                    throw new DsmPeerGoneException(config.address() + page * PAGE_SIZE, reason(), null);
                }
            }
        }
        return (int)offset;
    }

    private void copy(final long address, final byte[] array, final int offset, final int length, final boolean toHeap)
    {
        final int index = index(address, length);
        try
        {
            if (toHeap)
            {
                buffer.putBytes(index, array, offset, length);
            }
            else
            {
                buffer.getBytes(index, array, offset, length);
            }
            VarHandle.fullFence();
            settle();
        }
        catch (final InternalError ex)
        {
            throw lost(address, ex);
        }
    }

    /**
     * Once the pager stopped, make a native call: HotSpot delivers an unsafe-access error still
     * pending from the access just made on the way back, inside the caller's {@code try}.
     */
    @Override
    public void settle()
    {
        if (!closed && UnsafeApi.getIntVolatile(null, statusAddress) != RUNNING)
        {
            lib.status(handle);
        }
    }

    private DsmPeerGoneException lost(final long address, final InternalError error)
    {
        if (status() == RUNNING)
        {
            throw error;
        }
        return new DsmPeerGoneException(address, reason(), error);
    }
}
