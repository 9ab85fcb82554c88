package io.rpcool;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A client's connection to a channel. Calls go through {@link ClientCall} slots taken from the
 * connection's pool; several threads may make calls on one connection at once, each with its own
 * slot. {@link #transport()} says whether the connection shares memory with the server, fell
 * back to TCP with its heap over the DSM, or fell back to copying over TCP; the API is the same,
 * except that the copy fallback has no heap.
 */
public abstract class Connection implements AutoCloseable
{
    final Rpcool rpcool;
    final String channelName;
    final long callTimeoutNs;
    final int slotCount;
    final int bufferSize;
    final ClientCall[] calls;
    private final ManyToManyConcurrentArrayQueue<ClientCall> free;
    volatile boolean closed;
    volatile String goneReason;
    /** Why the connection is broken (cannot be used safely any more), or null. */
    volatile String brokenReason;
    /** Why this process's host fenced the connection, or null. */
    volatile String fencedReason;
    private volatile PeerFailureListener peerFailureListener;
    private boolean peerFailureReported;

    Connection(final Rpcool rpcool, final String channelName, final int slotCount, final int bufferSize)
    {
        this.rpcool = rpcool;
        this.channelName = channelName;
        this.callTimeoutNs = TimeUnit.MILLISECONDS.toNanos(rpcool.context().callTimeoutMs());
        this.slotCount = slotCount;
        this.bufferSize = bufferSize;
        this.calls = new ClientCall[slotCount];
        // Twice the slots: an array queue that is full to the last element can refuse an offer while a
        // poll of the element at the same index is still finishing (its sequence not yet released).
        this.free = new ManyToManyConcurrentArrayQueue<>(Math.max(2, 2 * slotCount));
    }

    final void initCalls()
    {
        for (int i = 0; i < slotCount; i++)
        {
            calls[i] = newClientCall(i);
            giveBack(calls[i]);
        }
    }

    abstract ClientCall newClientCall(int slot);

    /** Calls made on this connection so far (each slot counts its own; summed off the call path). */
    long callsMade()
    {
        long made = 0;
        for (final ClientCall call : calls)
        {
            made += call.generation;
        }
        return made;
    }

    /**
     * Take a call slot for {@code functionId}, waiting while all slots are in use, up to the
     * connection's call timeout.
     *
     * @throws RpcException if the connection is closed, broken or its peer is gone
     * ({@link Status#CONNECTION_CLOSED}, {@link Status#CONNECTION_BROKEN}, {@link Status#PEER_GONE}),
     * or if no slot became free before the deadline ({@link Status#RESOURCE_EXHAUSTED}).
     */
    public ClientCall newCall(final int functionId)
    {
        checkOpen();
        ClientCall call = free.poll();
        if (call == null || call.stale && !reclaim(call))
        {
            call = awaitFreeSlot();
        }
        call.checkedOut = true;
        call.functionId = functionId;
        return call;
    }

    private ClientCall awaitFreeSlot()
    {
        final long deadline = System.nanoTime() + callTimeoutNs;
        long spins = 0;
        while (true)
        {
            checkOpen();
            final ClientCall call = free.poll();
            if (call != null && (!call.stale || reclaim(call)))
            {
                return call;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw noFreeSlot();
            }
            if (++spins < 1000)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(spins < 10_000 ? 1_000 : 100_000);
            }
        }
    }

    /**
     * Every slot stayed in use until the deadline. If every slot is held back for a call the server
     * never answered, for longer than a call timeout past its deadline, the connection cannot recover
     * and is declared broken.
     */
    private RpcException noFreeSlot()
    {
        int stale = 0;
        final long now = System.nanoTime();
        for (final ClientCall c : calls)
        {
            if (c.stale && now - c.staleSinceNs > callTimeoutNs)
            {
                stale++;
            }
        }
        if (stale == slotCount)
        {
            return broken("the server left all " + slotCount + " slots' calls unanswered past their deadlines, " +
                "so no slot can be reused safely");
        }
        return new RpcException(Status.RESOURCE_EXHAUSTED, "all " + slotCount + " call slots of the connection to " +
            channelName + " stayed in use until the deadline (" + stale + " held back for unanswered calls); " +
            "close calls you no longer need or open the connection with more slots (ConnectOptions.slots)");
    }

    /**
     * A call that timed out is reused only once its server can no longer write the slot for it,
     * so the server never writes a slot that a newer call owns.
     */
    private boolean reclaim(final ClientCall call)
    {
        if (lateReplyArrived(call))
        {
            call.stale = false;
            return true;
        }
        giveBack(call);
        return false;
    }

    boolean lateReplyArrived(final ClientCall call)
    {
        return true;
    }

    void release(final ClientCall call)
    {
        if (!call.checkedOut)
        {
            return;
        }
        if (call.state == ClientCall.IN_FLIGHT)
        {
            call.fail(new RpcException(Status.CONNECTION_CLOSED, "call closed while in flight"));
            call.stale = transport() == Transport.SHARED_MEMORY;
            call.staleSinceNs = System.nanoTime();
        }
        call.checkedOut = false;
        giveBack(call);
    }

    /** Put a slot back into the free queue; it always fits, so a refused offer is retried, never dropped. */
    private void giveBack(final ClientCall call)
    {
        while (!free.offer(call))
        {
            Thread.onSpinWait();
        }
    }

    public abstract Transport transport();

    /**
     * The data heap of this connection, for pointer-rich arguments passed by reference: shared memory,
     * or over {@link Transport#DSM} a heap kept coherent by the page-ownership DSM (whose operations
     * throw {@link RpcException} with {@link Status#PEER_GONE} once the server is gone).
     *
     * @throws UnsupportedOperationException over the {@link Transport#TCP} copy fallback, where the
     * processes share no memory.
     */
    public SharedHeap heap()
    {
        throw new UnsupportedOperationException("connection to " + channelName + " uses the " + transport() +
            " transport: pointer-rich arguments need shared memory; send plain bytes in call.request()");
    }

    /** Shortcut for {@code heap().createBuffer(capacity)}. */
    public io.rpcool.mem.RpcBuffer createBuffer(final long capacity)
    {
        return heap().createBuffer(capacity);
    }

    /** Shortcut for {@code heap().copyFrom(value)}: deep-copies a Java object graph, returns its pointer. */
    public long copyFrom(final Object value)
    {
        return heap().copyFrom(value);
    }

    public String channelName()
    {
        return channelName;
    }

    /** Calls this connection can have in flight at once. */
    public int slots()
    {
        return slotCount;
    }

    /** The default deadline of a call on this connection ({@code rpcool.call.timeoutMs}), in nanoseconds. */
    public long callTimeoutNs()
    {
        return callTimeoutNs;
    }

    /** Capacity of each request and reply buffer. */
    public int bufferSize()
    {
        return bufferSize;
    }

    /** True until the connection is closed, broken or its server is gone. */
    public boolean isOpen()
    {
        return !closed && goneReason == null && brokenReason == null;
    }

    /** Why the connection was declared broken, or null. */
    public String brokenReason()
    {
        return brokenReason;
    }

    /**
     * Declare the connection broken: every call in flight fails and every later call is refused
     * with {@link Status#CONNECTION_BROKEN}; the application closes it and opens a new one.
     *
     * @return the exception that says so.
     */
    final RpcException broken(final String reason)
    {
        if (brokenReason == null)
        {
            brokenReason = reason;
            rpcool.counterSet().connectionsBroken.increment();
            rpcool.reportError("connection to " + channelName + " is broken", new IllegalStateException(reason));
        }
        return brokenException();
    }

    private RpcException brokenException()
    {
        return new RpcException(Status.CONNECTION_BROKEN, "connection to " + channelName + " is broken: " + brokenReason +
            "; close it and connect again");
    }

    /** Why the server side went away, or null. */
    public String goneReason()
    {
        return goneReason;
    }

    final void checkOpen()
    {
        if (fencedReason != null)
        {
            throw fencedException();
        }
        if (closed)
        {
            throw new RpcException(Status.CONNECTION_CLOSED, "connection to " + channelName + " is closed");
        }
        final String gone = goneReason;
        if (gone != null)
        {
            throw new RpcException(Status.PEER_GONE, "server of " + channelName + " is gone: " + gone);
        }
        if (brokenReason != null)
        {
            throw brokenException();
        }
    }

    /**
     * Before a call is sent: apply its {@link io.rpcool.seal.SealMode} to this request (seal it,
     * or ask for a copy), releasing a seal the call still holds from its last invocation. Over TCP
     * the request is copied into the frame, which protects it already: nothing to do.
     */
    void prepareProtection(final ClientCall call, final int length)
    {
        call.entryFlags = 0;
        call.sealKind = 0;
    }

    /** A sealed call completed or failed: its seal {@code sealId} waits for release. */
    void sealedCallEnded(final ClientCall call, final long sealId)
    {
    }

    /** The caller wants the request buffer of a call that still holds a seal. */
    void reclaimRequestBuffer(final ClientCall call)
    {
    }

    /** Release the call's seal on its own. */
    void releaseSeal(final ClientCall call)
    {
    }

    /** Publish the call's request. Throws if the connection cannot carry it. */
    abstract void send(ClientCall call);

    /**
     * Check the call once for completion, completing it if its reply (or the connection's end) is there.
     *
     * @return true if the call is no longer in flight.
     */
    abstract boolean poll(ClientCall call);

    /**
     * Sleep until the server publishes on the call's response line, at most {@code timeoutNs}
     * ({@link io.rpcool.idle.Sleeper}).
     *
     * @return false if this transport cannot sleep that way.
     */
    boolean sleep(final ClientCall call, final long timeoutNs)
    {
        return false;
    }

    /** True if a waiting caller should park until the transport completes its call, instead of polling. */
    boolean parksWhileWaiting()
    {
        return false;
    }

    /**
     * Complete {@code call} from the status and length its server sent; the reply (or the error
     * message) is already in the call's reply buffer and the length was checked against it.
     */
    static void complete(final ClientCall call, final int status, final int length)
    {
        if (status == Status.OK.code())
        {
            call.succeed(length);
            return;
        }
        final Status s = Status.fromWire(status);
        if (s == null || s == Status.OK)
        {
            call.fail(new RpcException(Status.MALFORMED_REPLY, "unknown reply status " + status));
        }
        else
        {
            call.failRemote(s, length);
        }
    }

    void watchAsync(final ClientCall call)
    {
        rpcool.poller().watch(call);
    }

    /** The peer went away: fail every call in flight. */
    void peerGone(final String reason)
    {
        if (goneReason == null)
        {
            goneReason = reason;
            rpcool.counterSet().peerFailures.increment();
        }
        reportPeerFailure();
    }

    /**
     * Be told when this connection's server fails (its process dies or stops renewing its lease, or its
     * host does). If it already failed, the listener is told at once.
     */
    public Connection peerFailureListener(final PeerFailureListener listener)
    {
        synchronized (this)
        {
            peerFailureListener = listener;
            peerFailureReported = false;
        }
        if (goneReason != null)
        {
            reportPeerFailure();
        }
        return this;
    }

    private void reportPeerFailure()
    {
        final PeerFailureListener listener;
        synchronized (this)
        {
            listener = peerFailureListener;
            if (listener == null || peerFailureReported || closed)
            {
                return;
            }
            peerFailureReported = true;
        }
        final String message = fencedReason != null ? "connection to " + channelName + " was fenced: " + fencedReason :
            "server of " + channelName + " failed: " + goneReason;
        rpcool.notifyAsync(() -> listener.onPeerFailure(channelName, message));
    }

    /**
     * This process's host fenced itself ({@link Status#FENCED}): every call in flight fails, every
     * later one is refused, and the peer failure listener is told; the caller then closes the
     * connection, which unmaps its heaps.
     */
    final void fence(final String reason)
    {
        fencedReason = reason;
        if (goneReason == null)
        {
            goneReason = reason;
        }
        reportPeerFailure();
    }

    private RpcException fencedException()
    {
        return new RpcException(Status.FENCED, "connection to " + channelName + " was fenced: " + fencedReason +
            "; its memory is unmapped: connect again");
    }

    final RpcException goneException()
    {
        if (fencedReason != null)
        {
            return fencedException();
        }
        if (closed)
        {
            return new RpcException(Status.CONNECTION_CLOSED, "connection to " + channelName + " was closed");
        }
        if (goneReason == null && brokenReason != null)
        {
            return brokenException();
        }
        return new RpcException(Status.PEER_GONE, "server of " + channelName + " is gone: " + goneReason);
    }

    @Override
    public abstract void close();
}
