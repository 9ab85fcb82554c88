package io.rpcool.orchestrator;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestServerMain;

/**
 * A server JVM of the fencing test: serves {@code ECHO} and {@code TOTAL} (an order read in place
 * from the connection's data heap) on one channel, one handler thread that sleeps between polls,
 * and records its pool mappings ({@link MapsRecorder}). Prints {@code READY <pid>}.
 *
 * <p>args: daemon directory, channel, memory domain, pool directory
 */
public final class FenceServerMain
{
    private FenceServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        MapsRecorder.start(Path.of(args[3]));
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[2])
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SLEEP).heapSize(1024 * 1024);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(1));
            ch.register(TestServerMain.ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(TestServerMain.TOTAL, call ->
            {
                final TestServerMain.Order order = call.heap().materialize(call.request().getLong(0), TestServerMain.Order.class);
                long total = 0;
                for (final TestServerMain.Line line : order.lines())
                {
                    total += line.quantity() * line.priceCents();
                }
                call.reply().putLong(0, total);
                call.replyLength(8);
            });
            ch.peerFailureListener((channel, message) -> System.out.println("CLIENT_FAILED " + System.currentTimeMillis() + " " + message));
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
