package io.rpcool;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.seal.Protection;

/**
 * The call a handler is serving. Over shared memory the request and reply buffers are views of the
 * connection's heap: the handler reads the arguments where the client wrote them and writes the
 * reply where the client will read it. The request view ends at the request's length, the reply
 * view at the buffer size; both are bounds-checked. Valid only during {@link RpcHandler#onCall}.
 *
 * <p>{@link #protection()} says what kept the client from changing the request while the handler
 * reads it: a kernel seal, an mprotect seal (honest clients only), a private copy, or nothing.
 */
public final class ServerCall
{
    /** The request queue entry being served, read into this handler thread's private memory. */
    final io.rpcool.ipc.RequestEntry entry = new io.rpcool.ipc.RequestEntry();
    final UnsafeBuffer request = new UnsafeBuffer(0, 0);
    final UnsafeBuffer reply = new UnsafeBuffer(0, 0);
    int functionId;
    int replyLength;
    long connectionId;
    int clientPid;
    String channelName;
    SharedHeap heap;
    Protection protection = Protection.NONE;
    /** This handler thread's private memory for requests the server copies. */
    private UnsafeBuffer copy;
    io.rpcool.sandbox.SandboxContext sandbox;

    ServerCall()
    {
    }

    public int functionId()
    {
        return functionId;
    }

    /** The arguments; capacity is exactly the request's length. */
    public DirectBuffer request()
    {
        return request;
    }

    public int requestLength()
    {
        return request.capacity();
    }

    /** Where the reply goes; capacity is the connection's buffer size. */
    public MutableDirectBuffer reply()
    {
        return reply;
    }

    /** How many bytes of {@link #reply()} the client receives (0 by default). */
    public ServerCall replyLength(final int length)
    {
        if (length < 0 || length > reply.capacity())
        {
            throw new IndexOutOfBoundsException("reply length " + length + " outside [0, " + reply.capacity() + "]");
        }
        this.replyLength = length;
        return this;
    }

    public int replyLength()
    {
        return replyLength;
    }

    /** True if the call carried a seal the server verified (kernel or mprotect). */
    public boolean isSealed()
    {
        return protection.isSealed();
    }

    /** What protects the request from changes by the client while this handler runs. */
    public Protection protection()
    {
        return protection;
    }

    /**
     * Copy {@code length} bytes at {@code address} into this thread's private buffer and make it the request.
     */
    /** Calls served with this object over shared memory (one per handler thread; written by it alone). */
    long served;

    /** The request came inline in its queue entry: its (at most 16) bytes go to private memory. */
    void inlineRequest(final long first, final long second, final int length)
    {
        final UnsafeBuffer c = copyBuffer(16);
        c.putLong(0, first);
        c.putLong(8, second);
        request.wrap(c.addressOffset(), length);
    }

    void copyRequest(final long address, final int length)
    {
        final UnsafeBuffer c = copyBuffer(length);
        request.wrap(address, length);
        c.putBytes(0, request, 0, length);
        request.wrap(c.addressOffset(), length);
    }

    /** The private buffer, grown (once, to a power of two of at least a page) to hold {@code length} bytes. */
    private UnsafeBuffer copyBuffer(final int length)
    {
        UnsafeBuffer c = copy;
        if (c == null || c.capacity() < length)
        {
            c = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.findNextPositivePowerOfTwo(Math.max(4096, length)), 64));
            copy = c;
        }
        return c;
    }

    public long connectionId()
    {
        return connectionId;
    }

    /** The client's pid for shared-memory connections, 0 for TCP. */
    public int clientPid()
    {
        return clientPid;
    }

    public String channelName()
    {
        return channelName;
    }

    /**
     * The connection's data heap: read the client's pointer-rich arguments through its
     * {@link SharedHeap#regions()} (every read bounds-checked), allocate the reply's objects in it.
     *
     * Over {@link Transport#DSM} it is the connection's DSM heap: pages the client wrote come over as
     * they are read.
     *
     * @throws UnsupportedOperationException for calls that came over the TCP copy fallback.
     */
    public SharedHeap heap()
    {
        if (sandbox != null)
        {
            throw new IllegalStateException("this call runs in a sandbox: read its arguments through call.sandbox().regions()");
        }
        if (heap == null)
        {
            throw new UnsupportedOperationException("this call came over the TCP fallback: no shared heap");
        }
        return heap;
    }

    /** True if the call came over shared memory or the DSM, so that {@link #heap()} has the connection's data heap. */
    public boolean hasHeap()
    {
        return heap != null;
    }

    /** True if this call's handler runs in a sandbox ({@link ChannelOptions#sandboxed}, {@link FunctionOptions#sandboxed}). */
    public boolean isSandboxed()
    {
        return sandbox != null;
    }

    /**
     * The sandbox this call runs in: views confined to the call's RPC buffer (see
     * {@link SandboxRegion}) and its request and reply buffers, a scratch allocator discarded when
     * the call ends, and {@link io.rpcool.sandbox.SandboxContext#results()} for results kept in the
     * RPC buffer.
     *
     * @throws IllegalStateException if the call is not sandboxed.
     */
    public io.rpcool.sandbox.SandboxContext sandbox()
    {
        if (sandbox == null)
        {
            throw new IllegalStateException("function " + functionId + " is not sandboxed");
        }
        return sandbox;
    }
}
