package io.rpcool.service;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.rpcool.Channel;
import io.rpcool.FunctionOptions;
import io.rpcool.ReplyStatusException;
import io.rpcool.RpcException;
import io.rpcool.RpcHandler;
import io.rpcool.SandboxRegion;
import io.rpcool.ServerCall;
import io.rpcool.Status;
import io.rpcool.mem.RegionSet;

/**
 * Serves a typed service on a channel: one raw handler per method, registered under the method's
 * id with the options its annotations ask for, plus the service's handshake. Generated
 * {@code <Service>Rpc.bind(channel, impl)} calls {@link #bind}; each {@link Invoker} is generated
 * code that decodes the arguments, calls the implementation and encodes the result.
 *
 * <p>A request is an 8-byte header, the time its caller had left (ns), followed by the arguments.
 * A call whose time ran out before it arrived is answered {@link Status#DEADLINE_EXCEEDED} without
 * running the handler; arguments that do not decode are answered {@link Status#MALFORMED_REQUEST};
 * a handler that throws is answered {@link Status#HANDLER_FAILED} with what it threw. The channel
 * keeps serving in every case.
 */
public final class ServiceServer
{
    /** Bytes before the arguments: the caller's remaining time (ns). */
    public static final int HEADER_LENGTH = 8;
    /**
     * Set in the header when the arguments are in the connection's heap: the request then holds the
     * header, the block's address (long) and the arguments' length (int).
     */
    public static final long SPILLED = 1L << 62;
    /** Length of a request whose arguments spilled into the heap. */
    public static final int SPILLED_LENGTH = HEADER_LENGTH + 12;
    /**
     * Bytes before a result: {@link #IN_PLACE}, or {@link #IN_HEAP} followed by the address (long) and length
     * (int) of the heap block the result spilled into.
     */
    public static final int REPLY_HEADER_LENGTH = 1;
    public static final byte IN_PLACE = 0;
    public static final byte IN_HEAP = 1;
    /** Length of a reply whose result spilled into the heap. */
    public static final int SPILLED_REPLY_LENGTH = REPLY_HEADER_LENGTH + 12;

    /** Decodes a call's arguments from {@code in}, calls the implementation and encodes its result into {@code out}. */
    @FunctionalInterface
    public interface Invoker
    {
        void invoke(ServiceReader in, ServiceWriter out) throws Exception;
    }

    private ServiceServer()
    {
    }

    /**
     * Register {@code service} on {@code channel}: {@code invokers[i]} serves {@code service.methods().get(i)}.
     *
     * @throws IllegalStateException if the channel already serves one of the ids (the service is bound
     * already, or a raw handler or another service has the id).
     */
    public static Channel bind(final Channel channel, final ServiceDefinition service, final Invoker... invokers)
    {
        final List<ServiceMethod> methods = service.methods();
        if (invokers.length != methods.size())
        {
            throw new IllegalArgumentException(service + " has " + methods.size() + " methods, " + invokers.length + " invokers given");
        }
        if (channel.serves(service.handshakeId()))
        {
            throw new IllegalStateException("service " + service + " is already bound to " + channel.name());
        }
        for (final ServiceMethod m : methods)
        {
            if (channel.serves(m.id()))
            {
                throw new IllegalStateException("function id " + m.id() + " of " + m + " is already served on " + channel.name() +
                    "; give the method another @RpcMethod(name)");
            }
        }
        for (int i = 0; i < invokers.length; i++)
        {
            final ServiceMethod m = methods.get(i);
            final FunctionOptions options = FunctionOptions.defaults().sealRequirement(m.sealRequirement());
            if (m.isSandboxed())
            {
                // Confined to the RPC buffer the first argument names, else to the request and reply buffers.
                options.sandboxed(true).sandboxRegion(m.signature().startsWith(m.name() + "(&io.rpcool.mem.RpcBuffer") ?
                    SandboxRegion.rpcBufferAt(HEADER_LENGTH) : SandboxRegion.requestOnly());
            }
            channel.register(m.id(), new Dispatcher(m, invokers[i]), options);
        }
        channel.register(service.handshakeId(), new Handshake(service));
        return channel;
    }

    /**
     * Wait for an asynchronous implementation's result, up to the call's deadline (the handler must
     * reply before it returns).
     */
    public static <T> T await(final CompletableFuture<T> result) throws Exception
    {
        final ServiceContext context = ServiceContext.current();
        try
        {
            return result.get(Math.max(0, context.remainingNanos()), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException e)
        {
            result.cancel(false);
            throw ServiceContext.expired(context.method(), "while its asynchronous result was awaited");
        }
        catch (final ExecutionException e)
        {
            throw e.getCause() instanceof Exception ? (Exception)e.getCause() : e;
        }
    }

    /** The handler of one method. */
    private static final class Dispatcher implements RpcHandler
    {
        private final ServiceMethod method;
        private final Invoker invoker;

        Dispatcher(final ServiceMethod method, final Invoker invoker)
        {
            this.method = method;
            this.invoker = invoker;
        }

        @Override
        public void onCall(final ServerCall call) throws Exception
        {
            final long arrivedNs = System.nanoTime();
            final DirectBuffer request = call.request();
            final int length = call.requestLength();
            if (length < HEADER_LENGTH)
            {
                throw new ReplyStatusException(Status.MALFORMED_REQUEST, "a call of " + method + " carried " + length +
                    " bytes, fewer than its " + HEADER_LENGTH + "-byte header");
            }
            final long header = request.getLong(0);
            final long budgetNs = header & ~SPILLED;
            if (header <= 0 || budgetNs == 0)
            {
                throw ServiceContext.expired(method, "before the call reached the server");
            }
            final ServiceContext context = ServiceContext.ofThread();
            // A handler that calls a channel of its own process may be served on this very thread (in-process calls).
            final boolean nested = context.isActive();
            final ServiceMethod outerMethod = context.method();
            final ServerCall outerCall = context.call();
            final long outerDeadline = context.deadlineNanoTime();
            final ServiceReader in = (header & SPILLED) == 0 ? context.reader.wrap(request, HEADER_LENGTH, length) :
                context.reader.wrap(spilled(call, context), 0, request.getInt(HEADER_LENGTH + 8));
            if (method.usesSharedMemory())
            {
                in.regions(regions(call), null);
            }
            final MutableDirectBuffer reply = call.reply();
            final ServiceWriter out = context.writer.wrap(reply, REPLY_HEADER_LENGTH, reply.capacity(), method, true);
            if (call.hasHeap() && !call.isSandboxed() && !method.isSealed())
            {
                out.spillTo(call.heap());
            }
            context.enter(method, call, arrivedNs + Math.min(budgetNs, Long.MAX_VALUE / 4));
            try
            {
                invoker.invoke(in, out);
            }
            catch (final Exception | Error t)
            {
                if (out.spillAddress() != io.rpcool.mem.Allocator.NULL_ADDRESS)
                {
                    call.heap().free(out.spillAddress());
                }
                if (t instanceof Error)
                {
                    throw (Error)t;
                }
                throw failure((Exception)t);
            }
            finally
            {
                if (nested)
                {
                    context.enter(outerMethod, outerCall, outerDeadline);
                }
                else
                {
                    context.exit();
                }
            }
            if (out.spillAddress() == io.rpcool.mem.Allocator.NULL_ADDRESS)
            {
                reply.putByte(0, IN_PLACE);
                call.replyLength(out.position());
            }
            else
            {
                // The client frees the block once it has read the result.
                reply.putByte(0, IN_HEAP);
                reply.putLong(REPLY_HEADER_LENGTH, out.spillAddress());
                reply.putInt(REPLY_HEADER_LENGTH + 8, out.position());
                call.replyLength(SPILLED_REPLY_LENGTH);
            }
        }

        /** What the caller is told when the handler (or decoding its arguments) failed with {@code t}. */
        private Exception failure(final Exception t)
        {
            if (t instanceof MalformedMessageException)
            {
                return new ReplyStatusException(Status.MALFORMED_REQUEST, "the arguments of " + method + " do not decode: " +
                    t.getMessage());
            }
            if (t instanceof RpcException && !(t instanceof ReplyStatusException) &&
                ((RpcException)t).status() == Status.DEADLINE_EXCEEDED)
            {
                return ServiceContext.expired(method, "in a call it made (" + t.getMessage() + ")");
            }
            return t;
        }

        /** A view of the heap block the arguments spilled into, checked to lie inside the connection's heaps. */
        private DirectBuffer spilled(final ServerCall call, final ServiceContext context)
        {
            final DirectBuffer request = call.request();
            if (call.requestLength() != SPILLED_LENGTH || call.isSandboxed() || method.isSealed())
            {
                throw new ReplyStatusException(Status.MALFORMED_REQUEST, "a call of " + method + " names spilled arguments " +
                    "it cannot have (" + call.requestLength() + " bytes" + (call.isSandboxed() || method.isSealed() ?
                    ", a sealed or sandboxed method" : "") + ")");
            }
            final long address = request.getLong(HEADER_LENGTH);
            final int length = request.getInt(HEADER_LENGTH + 8);
            final RegionSet regions = regions(call);
            if (length < 0 || !regions.contains(address, length))
            {
                throw new ReplyStatusException(Status.MALFORMED_REQUEST, "the arguments of " + method + " at 0x" +
                    Long.toHexString(address) + " (" + length + " bytes) lie outside the connection's heaps");
            }
            context.spilled.wrap(address, length);
            return context.spilled;
        }

        private RegionSet regions(final ServerCall call)
        {
            if (call.isSandboxed())
            {
                return call.sandbox().regions();
            }
            try
            {
                return call.heap().regions();
            }
            catch (final UnsupportedOperationException e)
            {
                throw new ReplyStatusException(Status.REJECTED, method + " passes shared containers by reference; a call over the " +
                    "TCP fallback has no shared heap to find them in");
            }
        }
    }

    /** Answers a stub's check of the service's methods ({@link ServiceClient#verify()}). */
    private static final class Handshake implements RpcHandler
    {
        private final ServiceDefinition service;
        private final ServiceMethod self;

        Handshake(final ServiceDefinition service)
        {
            this.service = service;
            this.self = new ServiceMethod(service.name(), "#handshake", "#handshake", io.rpcool.seal.SealRequirement.NONE, false, 0, false);
        }

        @Override
        public void onCall(final ServerCall call)
        {
            if (call.requestLength() < HEADER_LENGTH + 8)
            {
                throw new ReplyStatusException(Status.MALFORMED_REQUEST, "handshake of " + service + " too short");
            }
            final long theirs = call.request().getLong(HEADER_LENGTH);
            final ServiceWriter out = ServiceContext.ofThread().writer.wrap(call.reply(), 0, call.reply().capacity(), self, true);
            out.writeLong(service.fingerprint());
            if (theirs != service.fingerprint())
            {
                out.writeCount(service.methods().size());
                for (final ServiceMethod m : service.methods())
                {
                    out.writeInt(m.id());
                    out.writeString(m.signature());
                }
            }
            call.replyLength(out.position());
        }
    }
}
