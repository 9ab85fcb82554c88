package io.rpcool.bench.systems.rpcool;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.bench.fork.ServerSupport;

/**
 * Server of the rpcool systems: embeds the daemon in a private directory, opens
 * {@link #CHANNEL} with one handler thread that echoes the 8-byte request, and prints
 * {@code READY <directory>,<tcp port>}.
 */
public final class RpcoolBenchServer
{
    public static final String CHANNEL = "/bench/noop";
    static final int ECHO = 1;

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
            channel.register(ECHO, call ->
            {
                call.reply().putLong(0, call.request().getLong(0));
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
