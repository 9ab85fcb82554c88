package io.rpcool;

import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedMemoryBoundsException;
import io.rpcool.sandbox.SandboxViolationException;

/**
 * Picks the region of shared memory a sandboxed handler is confined to, before the sandbox is
 * entered. The call's own request and reply buffers are always admitted as well.
 */
@FunctionalInterface
public interface SandboxRegion
{
    /**
     * @return the region, or null to confine the handler to the call's request and reply buffers.
     * @throws SandboxViolationException if the request names memory outside the connection's heaps.
     */
    MemoryRegion of(ServerCall call);

    /**
     * The RPC buffer ({@link RpcBuffer}, made with {@code conn.createBuffer(size)}) whose address
     * the request carries as a long at {@code requestOffset}. A request too short to hold it, or a
     * 0 there, means no buffer: the handler gets its request and reply buffers only. The buffer is
     * checked against the connection's data heaps; outside them the call ends in a sandbox
     * violation.
     */
    static SandboxRegion rpcBufferAt(final int requestOffset)
    {
        if (requestOffset < 0)
        {
            throw new IllegalArgumentException("negative offset " + requestOffset);
        }
        return call ->
        {
            if (call.requestLength() < requestOffset + 8 || call.heap == null)
            {
                return null;
            }
            final long address = call.request().getLong(requestOffset);
            if (address == 0)
            {
                return null;
            }
            try
            {
                return RpcBuffer.attach(call.heap.regions(), address).region();
            }
            catch (final SharedMemoryBoundsException e)
            {
                throw new SandboxViolationException(SandboxViolationException.Kind.BOUNDS, e.address(), e.length(),
                    "the connection's heaps (RPC buffer named by the request)", e);
            }
        };
    }

    /** The call's request and reply buffers only. */
    static SandboxRegion requestOnly()
    {
        return call -> null;
    }
}
