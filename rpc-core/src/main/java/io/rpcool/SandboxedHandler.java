package io.rpcool;

import io.rpcool.mem.MemoryRegion;
import io.rpcool.sandbox.Sandbox;
import io.rpcool.sandbox.SandboxViolationException;

/**
 * Runs a handler in a sandbox: over the region its {@link SandboxRegion} picks, with the call's
 * request and reply buffers admitted as well. Inside, {@link ServerCall#sandbox()} gives the
 * views and allocators and {@link ServerCall#heap()} is closed (its regions reach every heap of
 * the connection). A violation discards the reply: the reply buffer is zeroed before the error
 * reply is written, and results allocated in the RPC buffer during the call are zeroed.
 */
final class SandboxedHandler implements RpcHandler
{
    private final RpcHandler handler;
    private final SandboxRegion regionOf;

    SandboxedHandler(final RpcHandler handler, final SandboxRegion regionOf)
    {
        this.handler = handler;
        this.regionOf = regionOf;
    }

    @Override
    public void onCall(final ServerCall call) throws Exception
    {
        final MemoryRegion request = call.request.capacity() == 0 ? null :
            new MemoryRegion("request", call.request.addressOffset(), call.request.capacity());
        final MemoryRegion reply = new MemoryRegion("reply", call.reply.addressOffset(), call.reply.capacity());
        final MemoryRegion region = regionOf.of(call);
        final Sandbox sandbox;
        if (region == null)
        {
            sandbox = request == null ? Sandbox.over(reply) : Sandbox.over(reply, request);
        }
        else
        {
            sandbox = request == null ? Sandbox.over(region, reply) : Sandbox.over(region, request, reply);
        }
        try
        {
            sandbox.call(sb ->
            {
                call.sandbox = sb;
                handler.onCall(call);
                return null;
            });
        }
        catch (final SandboxViolationException e)
        {
            call.reply.setMemory(0, call.reply.capacity(), (byte)0);
            call.replyLength = 0;
            throw e;
        }
        finally
        {
            call.sandbox = null;
        }
    }
}
