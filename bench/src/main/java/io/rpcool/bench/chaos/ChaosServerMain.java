package io.rpcool.bench.chaos;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;

/**
 * A chaos-test server: {@code ECHO} (1) returns the request, {@code SLOW} (2) sleeps the request's
 * milliseconds first. Prints {@code READY} once its channel is open.
 *
 * <p>args: daemon directory, channel name, memory domain
 */
public final class ChaosServerMain
{
    static final int ECHO = 1;
    static final int SLOW = 2;

    private ChaosServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[2])
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SLEEP);
        // The channel name may still be held by a killed predecessor until its daemon notices: retry.
        final long deadline = System.currentTimeMillis() + 30_000;
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            Channel ch = null;
            while (ch == null)
            {
                try
                {
                    ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(1));
                }
                catch (final RuntimeException e)
                {
                    if (System.currentTimeMillis() > deadline)
                    {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            ch.register(ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(SLOW, call ->
            {
                Thread.sleep(call.request().getInt(0));
                call.replyLength(0);
            });
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
