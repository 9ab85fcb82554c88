package io.rpcool;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A client's connection to a channel. Calls go through {@link ClientCall} slots taken from the
 * connection's pool; several threads may make calls on one connection at once, each with its own
 * slot. {@link #transport()} says whether the connection shares memory with the server or fell
 * back to TCP; the API is the same either way.
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
        this.free = new ManyToManyConcurrentArrayQueue<>(Math.max(2, slotCount));
    }

    final void initCalls()
    {
        for (int i = 0; i < slotCount; i++)
        {
            calls[i] = newClientCall(i);
            free.offer(calls[i]);
        }
    }

    abstract ClientCall newClientCall(int slot);

    /**
     * Take a call slot for {@code functionId}, waiting while all slots are in use.
     *
     * @throws RpcException if the connection is closed or its peer is gone.
     */
    public ClientCall newCall(final int functionId)
    {
        checkOpen();
        ClientCall call;
        long spins = 0;
        while ((call = free.poll()) == null || call.stale && !reclaim(call))
        {
            checkOpen();
            if (++spins > 1000)
            {
                Thread.yield();
            }
            Thread.onSpinWait();
        }
        call.checkedOut = true;
        call.functionId = functionId;
        return call;
    }

    /**
     * A call that timed out is reused only once its late reply has arrived, so the server never
     * writes a slot that a newer call owns.
     */
    private boolean reclaim(final ClientCall call)
    {
        if (lateReplyArrived(call))
        {
            call.stale = false;
            return true;
        }
        free.offer(call);
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
        }
        call.checkedOut = false;
        free.offer(call);
    }

    public abstract Transport transport();

    /**
     * The data heap of this connection, for pointer-rich arguments passed by reference.
     *
     * @throws UnsupportedOperationException over the TCP fallback, where the processes share no memory.
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

    /** Capacity of each request and reply buffer. */
    public int bufferSize()
    {
        return bufferSize;
    }

    /** True until the connection is closed or its server is gone. */
    public boolean isOpen()
    {
        return !closed && goneReason == null;
    }

    /** Why the server side went away, or null. */
    public String goneReason()
    {
        return goneReason;
    }

    final void checkOpen()
    {
        if (closed)
        {
            throw new RpcException(Status.CONNECTION_CLOSED, "connection to " + channelName + " is closed");
        }
        final String gone = goneReason;
        if (gone != null)
        {
            throw new RpcException(Status.PEER_GONE, "server of " + channelName + " is gone: " + gone);
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
        final String message = "server of " + channelName + " failed: " + goneReason;
        rpcool.notifyAsync(() -> listener.onPeerFailure(channelName, message));
    }

    final RpcException goneException()
    {
        return closed ?
            new RpcException(Status.CONNECTION_CLOSED, "connection to " + channelName + " was closed") :
            new RpcException(Status.PEER_GONE, "server of " + channelName + " is gone: " + goneReason);
    }

    @Override
    public abstract void close();
}
