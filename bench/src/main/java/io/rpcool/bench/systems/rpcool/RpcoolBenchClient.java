package io.rpcool.bench.systems.rpcool;

import java.nio.file.Path;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;

/**
 * Client of the rpcool systems: one connection per client thread, one call slot reused for every
 * call; the 8-byte request is written in place in the request buffer and the reply read in place.
 */
public final class RpcoolBenchClient implements RpcClient
{
    private static Rpcool rpcool;

    private final Connection connection;
    private final ClientCall call;

    RpcoolBenchClient(final String endpoint, final boolean tcp)
    {
        final String[] parts = endpoint.split(",");
        final Rpcool rpc = rpcool(Path.of(parts[0]));
        connection = tcp ?
            rpc.connect(RpcoolBenchServer.CHANNEL, ConnectOptions.remote("127.0.0.1", Integer.parseInt(parts[1]))) :
            rpc.connect(RpcoolBenchServer.CHANNEL);
        call = connection.newCall(RpcoolBenchServer.ECHO);
    }

    private static synchronized Rpcool rpcool(final Path dir)
    {
        if (rpcool == null)
        {
            rpcool = Rpcool.launch(new RpcoolContext().directory(dir).processName("bench-client")
                .daemonMode(RpcoolContext.DaemonMode.EXTERNAL));
        }
        return rpcool;
    }

    /** Client main of {@code rpcool-shm-relaxed}. */
    public static final class Shm
    {
        private Shm()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new RpcoolBenchClient(endpoint, false));
        }
    }

    /** Client main of {@code rpcool-tcp-fallback}. */
    public static final class Tcp
    {
        private Tcp()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new RpcoolBenchClient(endpoint, true));
        }
    }

    @Override
    public long call(final long request)
    {
        call.request().putLong(0, request);
        call.invoke(8);
        return call.reply().getLong(0);
    }

    @Override
    public void close()
    {
        call.close();
        connection.close();
    }
}
