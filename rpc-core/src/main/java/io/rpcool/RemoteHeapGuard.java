package io.rpcool;

import java.util.function.Supplier;

import io.rpcool.remote.RemoteHeap;

/**
 * Turns the loss of a connection's {@link RemoteHeap} (its peer died while owning pages) into
 * {@link RpcException} with {@link Status#PEER_GONE} at the {@link SharedHeap} API: checked before
 * each operation (one volatile load), and a memory fault from a page lost during the operation
 * (HotSpot's {@link InternalError} for a SIGBUS in an unsafe access) converted after it. Raw
 * accesses through buffers or flyweights see the {@link InternalError} itself.
 */
final class RemoteHeapGuard
{
    private final RemoteHeap heap;
    private final Connection connection;
    private final String side;

    RemoteHeapGuard(final RemoteHeap heap, final Connection connection, final String side)
    {
        this.heap = heap;
        this.connection = connection;
        this.side = side;
    }

    RemoteHeap heap()
    {
        return heap;
    }

    void check()
    {
        if (heap.isLost() || connection != null && connection.goneReason != null)
        {
            throw lost(null);
        }
    }

    <T> T run(final Supplier<T> operation)
    {
        check();
        try
        {
            final T result = operation.get();
            heap.settle();
            return result;
        }
        catch (final InternalError e)
        {
            throw lost(e);
        }
    }

    private RuntimeException lost(final InternalError fault)
    {
        if (fault != null && !heap.isLost())
        {
            throw fault;
        }
        final String why = heap.isLost() ? heap.lostReason() : connection.goneReason;
        return new RpcException(Status.PEER_GONE, String.format("the %s of the DSM heap at 0x%x is gone, the pages it owned are lost: %s",
            side, heap.address(), why), fault);
    }
}
