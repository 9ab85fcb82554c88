package io.rpcool.bench.lease;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.daemon.DaemonConfig;

/**
 * The server JVM of the {@code lease} suite: a no-op handler (function 1) on one channel. With
 * {@code embedded}, it runs the host's daemon inside itself (process leases expiring after the
 * given timeout); otherwise it uses the host's daemon. Prints {@code READY}.
 *
 * <p>args: daemon directory, channel, memory domain, embedded|external, lease timeout ms
 */
public final class LeaseBenchServer
{
    private LeaseBenchServer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final boolean embedded = "embedded".equals(args[3]);
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[2])
            .idleMode(RpcoolContext.IdleMode.SPIN)
            .daemonMode(embedded ? RpcoolContext.DaemonMode.EMBEDDED : RpcoolContext.DaemonMode.EXTERNAL);
        if (embedded)
        {
            ctx.daemonConfig(new DaemonConfig().leaseTimeoutMs(Long.parseLong(args[4])));
        }
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
                    Thread.sleep(20);
                }
            }
            ch.register(LeaseBenchClient.ECHO, call -> call.replyLength(0));
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
