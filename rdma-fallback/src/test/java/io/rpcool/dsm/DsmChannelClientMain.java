package io.rpcool.dsm;

import java.nio.file.Path;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;

/**
 * A client JVM in a memory domain of its own (args: daemon directory, channel name, domain): connects
 * (over the DSM, chosen automatically), copies a {@link Docs.Doc} into the connection heap, has the
 * server digest it ({@link DsmChannelServerMain#DIGEST}), then reads the doc again so that its pages
 * come back to this side, prints {@code OWNS <transport> <digest>} and waits to be killed.
 */
public final class DsmChannelClientMain
{
    private DsmChannelClientMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[2])
            .idleMode(RpcoolContext.IdleMode.SPIN).callTimeoutMs(10_000).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx); Connection conn = rpc.connect(args[1]))
        {
            final Docs.Doc doc = Docs.doc(200, 11);
            final long pointer = conn.copyFrom(doc);
            final long digest;
            try (ClientCall call = conn.newCall(DsmChannelServerMain.DIGEST))
            {
                call.request().putLong(0, pointer);
                call.invoke(8);
                digest = call.reply().getLong(0);
            }
            if (!doc.equals(conn.heap().materialize(pointer, Docs.Doc.class)))
            {
                throw new IllegalStateException("the doc changed");
            }
            System.out.println("OWNS " + conn.transport() + " " + digest);
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Until the test kills this JVM.
            }
        }
    }
}
