package io.rpcool.bench.systems.rpcool;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.FunctionOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcHandler;
import io.rpcool.RpcoolContext;
import io.rpcool.bench.fork.ServerSupport;
import io.rpcool.seal.SealRequirement;

/**
 * Server of the rpcool systems: embeds the daemon in a private directory, opens
 * {@link #CHANNEL} with one handler thread that echoes the 8-byte request (plain, requiring a
 * seal, or in a sandbox, by function id), and prints
 * {@code READY <directory>,<tcp port>}.
 */
public final class RpcoolBenchServer
{
    public static final String CHANNEL = "/bench/noop";
    public static final int ECHO = 1;
    /** The same echo, requiring a sealed call: the server verifies the seal before the handler runs. */
    static final int ECHO_SEALED = 2;
    /** The same echo, run in a sandbox (this host's sandbox provider) over the RPC buffer the request names. */
    static final int ECHO_SANDBOXED = 3;
    /** Replies with the long at the address the request names, read in place in the connection heap (the DSM's). */
    public static final int READ_POINTER = 4;

    private RpcoolBenchServer()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final Path dir = ServerSupport.scratchDir(args).resolve("rpcool");
            final Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(dir).processName("bench-server")
                .daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
            final Channel channel = rpc.openChannel(CHANNEL);
            final RpcHandler echo = call ->
            {
                call.reply().putLong(0, call.request().getLong(0));
                call.replyLength(8);
            };
            channel.register(ECHO, echo);
            channel.register(ECHO_SEALED, echo, SealRequirement.SEALED);
            // A sandboxed call names its RPC buffer in the request's first 8 bytes; the value follows.
            channel.register(ECHO_SANDBOXED, call ->
            {
                call.reply().putLong(0, call.request().getLong(8));
                call.replyLength(8);
            }, FunctionOptions.defaults().sandboxed(true));
            channel.register(READ_POINTER, call ->
            {
                call.reply().putLong(0, call.heap().regions().getLong(call.request().getLong(0)));
                call.replyLength(8);
            });
            ServerSupport.serve(dir + "," + channel.tcpPort(), rpc);
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }
}
