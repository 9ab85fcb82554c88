package io.rpcool.bench.systems.rpcool;

import java.nio.file.Path;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Transport;
import io.rpcool.bench.fork.ClientSupport;
import io.rpcool.bench.fork.RpcClient;

/**
 * Client of the rpcool systems: one connection per client thread, one call slot reused for every
 * call (sealed batched: a rotation over {@link #BATCHED_SLOTS}); the 8-byte request is written in
 * place in the request buffer and the reply read in place.
 */
public final class RpcoolBenchClient implements RpcClient
{
    private static Rpcool rpcool;

    /** Slots a sealed connection rotates over so that completed seals are released in batches. */
    static final int BATCHED_SLOTS = 16;

    private final Connection connection;
    private final ClientCall[] calls;
    /** Where the value goes in the request: after the RPC buffer's address for a sandboxed call. */
    private final int valueOffset;
    private int next;

    RpcoolBenchClient(final String endpoint, final boolean tcp)
    {
        final String[] parts = endpoint.split(",");
        final Rpcool rpc = rpcool(Path.of(parts[0]));
        connection = tcp ?
            rpc.connect(RpcoolBenchServer.CHANNEL,
                ConnectOptions.remote("127.0.0.1", Integer.parseInt(parts[1])).transport(Transport.TCP)) :
            rpc.connect(RpcoolBenchServer.CHANNEL);
        calls = new ClientCall[] {connection.newCall(RpcoolBenchServer.ECHO)};
        valueOffset = 0;
    }

    /**
     * A client over shared memory calling {@code functionId}; sealed clients open a sealable
     * connection and seal every call, rotating over {@code slots} calls (1: the seal is released
     * before the next call; more: completed seals pile up and are released in one batch when the
     * rotation comes back to a held buffer).
     */
    RpcoolBenchClient(final String endpoint, final int functionId, final boolean sealed, final int slots)
    {
        final Rpcool rpc = rpcool(Path.of(endpoint.split(",")[0]));
        connection = rpc.connect(RpcoolBenchServer.CHANNEL, ConnectOptions.defaults().sealing(sealed).slots(Math.max(slots, 4)));
        calls = new ClientCall[slots];
        for (int i = 0; i < slots; i++)
        {
            calls[i] = connection.newCall(functionId).sealed(sealed);
        }
        if (functionId == RpcoolBenchServer.ECHO_SANDBOXED)
        {
            // The sandbox covers the RPC buffer the request names (one page, created once).
            final long buffer = connection.createBuffer(4096 - 64).address();
            for (final ClientCall call : calls)
            {
                call.request().putLong(0, buffer);
            }
            valueOffset = 8;
        }
        else
        {
            valueOffset = 0;
        }
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

    /** Client main of {@code rpcool-shm-sealed}: every call sealed, its seal released before the next. */
    public static final class Sealed
    {
        private Sealed()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new RpcoolBenchClient(endpoint, RpcoolBenchServer.ECHO_SEALED, true, 1));
        }
    }

    /** Client main of {@code rpcool-shm-sealed-batched}: every call sealed, seals released in batches. */
    public static final class SealedBatched
    {
        private SealedBatched()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args,
                endpoint -> new RpcoolBenchClient(endpoint, RpcoolBenchServer.ECHO_SEALED, true, BATCHED_SLOTS));
        }
    }

    /** Client main of {@code rpcool-shm-sandboxed}: the server runs the echo in a sandbox. */
    public static final class Sandboxed
    {
        private Sandboxed()
        {
        }

        public static void main(final String[] args)
        {
            ClientSupport.run(args, endpoint -> new RpcoolBenchClient(endpoint, RpcoolBenchServer.ECHO_SANDBOXED, false, 1));
        }
    }

    @Override
    public long call(final long request)
    {
        final ClientCall call = calls[next];
        if (++next == calls.length)
        {
            next = 0;
        }
        call.request().putLong(valueOffset, request);
        call.invoke(valueOffset + 8);
        return call.reply().getLong(0);
    }

    @Override
    public void close()
    {
        for (final ClientCall call : calls)
        {
            call.close();
        }
        connection.close();
    }
}
