package io.rpcool;

import java.nio.file.Path;

import io.rpcool.TestServerMain.Order;

/**
 * A second client of a shared-heap channel: loads a pointer another client stored and reads the
 * document in place. args: directory, channel, key
 */
public final class SharedHeapReaderMain
{
    private SharedHeapReaderMain()
    {
    }

    public static void main(final String[] args)
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx); Connection conn = rpc.connect(args[1]); ClientCall call = conn.newCall(TestServerMain.LOAD))
        {
            call.request().putLong(0, Long.parseLong(args[2]));
            call.invoke(8);
            final long pointer = call.reply().getLong(0);
            final Order order = conn.heap().materialize(pointer, Order.class);
            System.out.printf("ORDER 0x%x %s %d%n", pointer, order.id(), order.lines().get(0).priceCents());
        }
    }
}
