package io.rpcool.service.sample;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;

/**
 * A server JVM of the typed-service tests: serves {@link Catalog} and {@link Hop} on a channel; its hop
 * calls the hop of another channel if one is named.
 *
 * <p>args: directory, channel name, memory domain[, the next hop's channel]
 */
public final class ServiceServerMain
{
    private ServiceServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).domain(args[2]).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(2));
            CatalogRpc.bind(ch, new CatalogImpl());
            Hop next = null;
            Connection toNext = null;
            if (args.length > 3)
            {
                toNext = rpc.connect(args[3]);
                next = HopRpc.stub(toNext);
            }
            HopRpc.bind(ch, new HopImpl(next));
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
