package io.rpcool.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Status;
import io.rpcool.Transport;
import io.rpcool.mem.Allocator;
import io.rpcool.seal.SealMode;

/**
 * The base of generated stubs: takes a call slot, lets generated code write the arguments in
 * place, invokes with the call's deadline and hands back a reader over the reply. A synchronous call
 * allocates nothing beyond what its arguments and result are made of.
 *
 * <p>Deadline of a call: the stub's ({@code withDeadlineAfter}), else the method's
 * ({@link RpcMethod#deadlineMs()}), else the connection's ({@code rpcool.call.timeoutMs}), and never
 * later than the deadline of the call the current thread serves ({@link ServiceContext}).
 */
public abstract class ServiceClient
{
    private static final ThreadLocal<Codecs> CODECS = ThreadLocal.withInitial(Codecs::new);

    protected final Connection connection;
    protected final ServiceDefinition service;
    private final long timeoutNs;

    /**
     * @param timeoutNs deadline of every call of this stub (ns after it starts); 0: per method and connection.
     */
    protected ServiceClient(final Connection connection, final ServiceDefinition service, final long timeoutNs)
    {
        this.connection = connection;
        this.service = service;
        this.timeoutNs = timeoutNs;
    }

    public final Connection connection()
    {
        return connection;
    }

    public final ServiceDefinition service()
    {
        return service;
    }

    /** The deadline this stub gives every call (ns), or 0 if it uses the methods' and connection's defaults. */
    public final long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * Check that the channel serves this service with the same methods: every method of this stub
     * must be served under its id (a server with more methods is fine).
     *
     * @throws RpcException {@link Status#UNKNOWN_FUNCTION} naming the service and each method the server
     * does not serve as this stub declares it.
     */
    protected final void verify()
    {
        try (ClientCall call = connection.newCall(service.handshakeId()))
        {
            final long timeout = connection.callTimeoutNs();
            final MutableDirectBuffer request = call.sealMode(SealMode.NONE).request();
            request.putLong(0, timeout);
            request.putLong(ServiceServer.HEADER_LENGTH, service.fingerprint());
            try
            {
                invokeHandshake(call, timeout);
            }
            catch (final RpcException e)
            {
                if (e.status() == Status.UNKNOWN_FUNCTION)
                {
                    throw new RpcException(Status.UNKNOWN_FUNCTION, connection.channelName() + " does not serve service " + service +
                        " (no handler for its handshake id " + service.handshakeId() + "): bind it there with " +
                        "<Service>Rpc.bind(channel, implementation)", e);
                }
                throw e;
            }
            final ServiceReader in = CODECS.get().reader.wrap(call.reply(), 0, call.replyLength());
            try
            {
                if (in.readLong() != service.fingerprint())
                {
                    compare(in);
                }
            }
            catch (final MalformedMessageException e)
            {
                throw new RpcException(Status.MALFORMED_REPLY, "handshake of " + service + " on " + connection.channelName() +
                    ": " + e.getMessage());
            }
        }
    }

    /** The handshake, sealed if the channel requires every call to be (it then refuses the unsealed one). */
    private static void invokeHandshake(final ClientCall call, final long timeout)
    {
        try
        {
            call.invoke(ServiceServer.HEADER_LENGTH + 8, timeout, TimeUnit.NANOSECONDS);
        }
        catch (final RpcException e)
        {
            if (e.status() != Status.REJECTED)
            {
                throw e;
            }
            call.sealMode(SealMode.SEAL).invoke(ServiceServer.HEADER_LENGTH + 8, timeout, TimeUnit.NANOSECONDS);
        }
    }

    private void compare(final ServiceReader in)
    {
        final int count = in.readCount(8);
        final Map<Integer, String> served = new HashMap<>();
        for (int i = 0; i < count; i++)
        {
            final int id = in.readInt();
            served.put(id, in.readString());
        }
        final List<String> problems = new ArrayList<>();
        for (final ServiceMethod m : service.methods())
        {
            if (!served.containsKey(m.id()))
            {
                final List<String> sameName = new ArrayList<>();
                for (final String signature : served.values())
                {
                    if (signature.startsWith(m.name() + "("))
                    {
                        sameName.add(signature);
                    }
                }
                problems.add(m.signature() + " is not served" + (sameName.isEmpty() ?
                    " (the server has no method " + m.name() + ")" : "; the server has " + String.join(", ", sameName)));
            }
        }
        if (!problems.isEmpty())
        {
            throw new RpcException(Status.UNKNOWN_FUNCTION, "service " + service + " on " + connection.channelName() +
                " does not match this client's interface: " + String.join("; ", problems) +
                ". Build client and server from the same interface");
        }
    }

    /** Take a call slot for {@code method}, sealed if the method is. */
    protected final ClientCall begin(final ServiceMethod method)
    {
        if (method.usesSharedMemory())
        {
            connection.heap();
        }
        final ClientCall call = connection.newCall(method.id());
        call.sealMode(method.isSealed() ? SealMode.SEAL : SealMode.NONE);
        return call;
    }

    /** A writer over the call's request buffer, after the header. */
    protected final ServiceWriter writer(final ClientCall call, final ServiceMethod method)
    {
        final MutableDirectBuffer request = call.request();
        final ServiceWriter out = CODECS.get().writer.wrap(request, ServiceServer.HEADER_LENGTH, request.capacity(), method, false);
        if (!method.isSealed() && !method.isSandboxed() && connection.transport() == Transport.SHARED_MEMORY)
        {
            out.spillTo(connection.heap());
        }
        return out;
    }

    /** Write the header (and where spilled arguments are); the length of the request to send. */
    private static int header(final ClientCall call, final ServiceWriter out, final long timeout)
    {
        final MutableDirectBuffer request = call.request();
        final long spilled = out.spillAddress();
        if (spilled == Allocator.NULL_ADDRESS)
        {
            request.putLong(0, timeout);
            return out.position();
        }
        request.putLong(0, timeout | ServiceServer.SPILLED);
        request.putLong(ServiceServer.HEADER_LENGTH, spilled);
        request.putInt(ServiceServer.HEADER_LENGTH + 8, out.position());
        return ServiceServer.SPILLED_LENGTH;
    }

    /**
     * Free the block a call's arguments spilled into once the server is done with it: after a reply (the
     * server answered, so it no longer reads them). A call that ended without one leaves the block to the
     * connection's heap.
     */
    static void freeSpill(final Connection connection, final long spilled, final RpcException failure)
    {
        if (spilled != Allocator.NULL_ADDRESS && (failure == null || Status.fromWire(failure.status().code()) != null &&
            failure.status() != Status.DEADLINE_EXCEEDED))
        {
            connection.heap().free(spilled);
        }
    }

    /**
     * Send what {@code out} wrote and wait for the reply, up to the call's deadline.
     *
     * @return a reader over the reply, read in place.
     */
    protected final ServiceReader invoke(final ClientCall call, final ServiceMethod method, final ServiceWriter out)
    {
        final long spilled = out.spillAddress();
        final long timeout = unsentIfExpired(method, spilled);
        try
        {
            call.invoke(header(call, out, timeout), timeout, TimeUnit.NANOSECONDS);
        }
        catch (final RpcException e)
        {
            freeSpill(connection, spilled, e);
            throw translate(method, e);
        }
        freeSpill(connection, spilled, null);
        return reader(call, method);
    }

    /** A reader over the result: in place in the reply, or in the heap block the server spilled it into. */
    private ServiceReader reader(final ClientCall call, final ServiceMethod method)
    {
        final Codecs codecs = CODECS.get();
        final DirectBuffer reply = call.reply();
        final int length = call.replyLength();
        final byte kind = length < ServiceServer.REPLY_HEADER_LENGTH ? -1 : reply.getByte(0);
        final ServiceReader in;
        if (kind == ServiceServer.IN_PLACE)
        {
            in = codecs.reader.wrap(reply, ServiceServer.REPLY_HEADER_LENGTH, length);
        }
        else if (kind == ServiceServer.IN_HEAP && length == ServiceServer.SPILLED_REPLY_LENGTH &&
            connection.transport() == Transport.SHARED_MEMORY)
        {
            final long address = reply.getLong(ServiceServer.REPLY_HEADER_LENGTH);
            final int spilledLength = reply.getInt(ServiceServer.REPLY_HEADER_LENGTH + 8);
            if (spilledLength < 0 || !connection.heap().regions().contains(address, spilledLength))
            {
                throw new RpcException(Status.MALFORMED_REPLY, "the result of " + method + " from " + connection.channelName() +
                    " is said to lie at 0x" + Long.toHexString(address) + " (" + spilledLength + " bytes), outside the connection's heaps");
            }
            codecs.spilled.wrap(address, spilledLength);
            in = codecs.reader.wrap(codecs.spilled, 0, spilledLength);
            in.block = address;
        }
        else
        {
            throw new RpcException(Status.MALFORMED_REPLY, "the reply of " + method + " from " + connection.channelName() +
                " has no valid header (" + length + " bytes, kind " + kind + ")");
        }
        if (method.usesSharedMemory())
        {
            in.regions(connection.heap().regions(), null);
        }
        return in;
    }

    /** Done with a result: free the heap block the server spilled it into, if it did. */
    protected final void release(final ServiceReader in)
    {
        final long block = in.block;
        if (block != Allocator.NULL_ADDRESS)
        {
            in.block = Allocator.NULL_ADDRESS;
            connection.heap().free(block);
        }
    }

    /** The failure of a call whose reply does not decode as {@code method}'s result. */
    protected final RpcException malformedReply(final ServiceMethod method, final MalformedMessageException e)
    {
        return new RpcException(Status.MALFORMED_REPLY, "the reply of " + method + " from " + connection.channelName() +
            " does not decode: " + e.getMessage());
    }

    /**
     * Send what {@code out} wrote and return at once. The future completes on the connection's
     * completion thread (chain with the {@code *Async} methods to run elsewhere);
     * {@link CompletableFuture#cancel(boolean) cancelling} it fails the call and returns its slot.
     */
    protected final <T> CompletableFuture<T> invokeAsync(
        final ClientCall call, final ServiceMethod method, final ServiceWriter out, final ResultDecoder<T> decoder)
    {
        final PendingCall<T> pending = new PendingCall<>(this, method, decoder, call, out.spillAddress());
        final long timeout;
        try
        {
            timeout = unsentIfExpired(method, out.spillAddress());
        }
        catch (final RpcException e)
        {
            pending.release();
            pending.completeExceptionally(e);
            return pending;
        }
        try
        {
            call.invokeAsync(header(call, out, timeout), timeout, TimeUnit.NANOSECONDS, pending);
        }
        catch (final RuntimeException e)
        {
            freeSpill(connection, out.spillAddress(), e instanceof RpcException ? (RpcException)e : null);
            pending.release();
            pending.completeExceptionally(e instanceof RpcException ? translate(method, (RpcException)e) : e);
        }
        return pending;
    }

    /** Decodes a method's result from its reply; generated code passes a static method. */
    @FunctionalInterface
    public interface ResultDecoder<T>
    {
        T decode(ServiceReader in);
    }

    <T> T decodeAsync(final ClientCall call, final ServiceMethod method, final ResultDecoder<T> decoder)
    {
        final ServiceReader in = reader(call, method);
        try
        {
            final T value = decoder.decode(in);
            in.expectEnd();
            return value;
        }
        finally
        {
            release(in);
        }
    }

    /** {@link #timeoutNs}; if the call is not sent because that has passed, its spilled arguments are freed. */
    private long unsentIfExpired(final ServiceMethod method, final long spilled)
    {
        try
        {
            return timeoutNs(method);
        }
        catch (final RpcException e)
        {
            freeSpill(connection, spilled, null);
            throw e;
        }
    }

    /** The time {@code method}'s call may take: its own deadline, cut to what the call being served has left. */
    private long timeoutNs(final ServiceMethod method)
    {
        long timeout = timeoutNs > 0 ? timeoutNs : method.deadlineNs() > 0 ? method.deadlineNs() : connection.callTimeoutNs();
        final long inherited = ServiceContext.inheritedDeadlineNs();
        if (inherited != Long.MAX_VALUE)
        {
            final long left = inherited - System.nanoTime();
            if (left <= 0)
            {
                throw new RpcException(Status.DEADLINE_EXCEEDED, method + " was not sent: the deadline of " +
                    ServiceContext.inheritedMethod() + ", which calls it, has passed");
            }
            timeout = Math.min(timeout, left);
        }
        return timeout;
    }

    /** Name the service's method in failures the server reports by function id. */
    RpcException translate(final ServiceMethod method, final RpcException e)
    {
        if (e.status() == Status.UNKNOWN_FUNCTION)
        {
            return new RpcException(Status.UNKNOWN_FUNCTION, connection.channelName() + " does not serve " + method +
                " (id " + method.id() + "): the server's interface differs from this client's, or the service is not bound there", e);
        }
        return e;
    }

    private static final class Codecs
    {
        final ServiceReader reader = new ServiceReader();
        final ServiceWriter writer = new ServiceWriter();
        final UnsafeBuffer spilled = new UnsafeBuffer(0, 0);
    }
}
