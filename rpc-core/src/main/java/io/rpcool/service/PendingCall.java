package io.rpcool.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.rpcool.CallCallback;
import io.rpcool.ClientCall;
import io.rpcool.RpcException;

/**
 * An asynchronous typed call: the future its caller holds and the callback of its slot. The slot
 * is returned exactly once, after the reply was decoded, on failure, or on {@link #cancel(boolean)},
 * which fails the call in flight (a shared-memory slot is reused only once the server can no longer
 * write it).
 */
final class PendingCall<T> extends CompletableFuture<T> implements CallCallback
{
    private static final AtomicIntegerFieldUpdater<PendingCall> RELEASED =
        AtomicIntegerFieldUpdater.newUpdater(PendingCall.class, "released");

    private final ServiceClient client;
    private final ServiceMethod method;
    private final ServiceClient.ResultDecoder<T> decoder;
    private final ClientCall call;
    /** The block the arguments spilled into, or 0. */
    private final long spilled;
    private volatile int released;

    PendingCall(final ServiceClient client, final ServiceMethod method, final ServiceClient.ResultDecoder<T> decoder, final ClientCall call,
        final long spilled)
    {
        this.client = client;
        this.method = method;
        this.decoder = decoder;
        this.call = call;
        this.spilled = spilled;
    }

    @Override
    public void onReply(final ClientCall c)
    {
        ServiceClient.freeSpill(client.connection(), spilled, null);
        final T value;
        try
        {
            value = client.decodeAsync(c, method, decoder);
        }
        catch (final MalformedMessageException e)
        {
            release();
            completeExceptionally(client.malformedReply(method, e));
            return;
        }
        catch (final RuntimeException e)
        {
            release();
            completeExceptionally(e);
            return;
        }
        release();
        complete(value);
    }

    @Override
    public void onError(final ClientCall c, final RpcException error)
    {
        ServiceClient.freeSpill(client.connection(), spilled, error);
        release();
        completeExceptionally(client.translate(method, error));
    }

    @Override
    public boolean cancel(final boolean mayInterruptIfRunning)
    {
        final boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled)
        {
            release();
        }
        return cancelled;
    }

    void release()
    {
        if (RELEASED.compareAndSet(this, 0, 1))
        {
            call.close();
        }
    }
}
