package io.rpcool.bench.dsm;

import java.nio.file.Path;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Transport;
import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;
import io.rpcool.bench.systems.rpcool.RpcoolBenchServer;

/**
 * Client of the no-op round trips across memory domains: a process in domain
 * {@link DsmCases#CLIENT_DOMAIN} attached to the server's daemon, calling the server's echo (the
 * server stays in the default domain) over the transport its main insists on. Connecting fails
 * rather than measuring another transport.
 */
public final class DsmNoopClient implements RpcClient
{
    private final Rpcool rpc;
    private final Connection connection;
    private final ClientCall call;
    /** The connection heap's cell the server reads in place, 0 for the echo. */
    private final long cell;

    DsmNoopClient(final String endpoint, final Transport transport, final boolean pointer)
    {
        rpc = Rpcool.launch(new RpcoolContext().directory(Path.of(endpoint.split(",")[0])).processName("bench-dsm-client")
            .domain(DsmCases.CLIENT_DOMAIN).daemonMode(RpcoolContext.DaemonMode.EXTERNAL));
        connection = rpc.connect(RpcoolBenchServer.CHANNEL, ConnectOptions.defaults().transport(transport));
        if (connection.transport() != transport)
        {
            throw new IllegalStateException("asked for " + transport + ", connected over " + connection.transport());
        }
        call = connection.newCall(pointer ? RpcoolBenchServer.READ_POINTER : RpcoolBenchServer.ECHO);
        cell = pointer ? connection.heap().allocate(8) : 0;
        call.request().putLong(0, cell);
    }

    @Override
    public long call(final long request)
    {
        if (cell != 0)
        {
            // the client writes the value in the heap (its page moves here), the server reads it (the page moves there)
            connection.heap().regions().putLong(cell, request);
        }
        else
        {
            call.request().putLong(0, request);
        }
        call.invoke(8);
        return call.reply().getLong(0);
    }

    @Override
    public void close()
    {
        call.close();
        connection.close();
        rpc.close();
    }

    /** Client main of {@code rpcool-dsm-tcp}: calls as TCP fallback frames, the connection heap a DSM heap. */
    public static final class Dsm
    {
        private Dsm()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new DsmNoopClient(endpoint, Transport.DSM, false));
        }
    }

    /** Client main of {@code rpcool-tcp-fallback} across domains: the copy-based TCP fallback. */
    public static final class Tcp
    {
        private Tcp()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new DsmNoopClient(endpoint, Transport.TCP, false));
        }
    }

    /**
     * Client main of {@code pointer-read}: over the DSM, each call writes a long in the connection heap and the
     * server reads it in place: two page moves per call, the one pattern the pager's hold time slows.
     */
    public static final class PointerRead
    {
        private PointerRead()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new DsmNoopClient(endpoint, Transport.DSM, true));
        }
    }
}
