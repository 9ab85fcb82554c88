package io.rpcool.dsm;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedString;

/**
 * A server JVM in a memory domain of its own (args: daemon directory, channel name, domain): the
 * functions of {@link DsmConnectionTest}, reading the client's pointer-rich arguments in place
 * through {@code call.heap()}. Prints {@code READY} and {@code TRANSPORT <have heap>} per call of
 * {@link #TRANSPORT}.
 */
public final class DsmChannelServerMain
{
    /** Request: pointer to a {@link Docs.Doc}; reply: its digest. */
    public static final int DIGEST = 1;
    /** Request: pointer to the first node of a {@link Docs} linked list; reply: its digest, walked in place. */
    public static final int WALK = 2;
    /** Request: pointer to a linked list; the server adds the request's second long to every value (and so owns its pages). */
    public static final int BUMP = 3;
    /** Reply: pointer to a string the server allocated in the connection heap. */
    public static final int GREETING = 4;
    /** Reply: the request bytes. */
    public static final int ECHO = 5;
    /** Reply: 1 if the call has a heap, and the transport-independent protection name. */
    public static final int HAS_HEAP = 6;
    /** Request: a pointer; reply: the long there, read in place. */
    public static final int READ = 7;

    private DsmChannelServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[2])
            .idleMode(RpcoolContext.IdleMode.SPIN).callTimeoutMs(10_000).daemonMode(RpcoolContext.DaemonMode.EXTERNAL)
            .heapSize(1024 * 1024);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(2));
            ch.register(DIGEST, call ->
            {
                final Docs.Doc doc = call.heap().materialize(call.request().getLong(0), Docs.Doc.class);
                call.reply().putLong(0, Docs.digest(doc));
                call.replyLength(8);
            });
            ch.register(WALK, call ->
            {
                final RegionSet regions = call.heap().regions();
                call.reply().putLong(0, Docs.walk(regions, call.request().getLong(0)));
                call.replyLength(8);
            });
            ch.register(BUMP, call ->
            {
                final RegionSet regions = call.heap().regions();
                final long delta = call.request().getLong(8);
                for (long node = call.request().getLong(0); node != 0; node = regions.getLong(node + Docs.NEXT))
                {
                    regions.putLong(node + Docs.VALUE, regions.getLong(node + Docs.VALUE) + delta);
                }
                call.replyLength(0);
            });
            ch.register(GREETING, call ->
            {
                call.reply().putLong(0, SharedString.allocate(call.heap(), "Hello from the other domain!"));
                call.replyLength(8);
            });
            ch.register(ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(READ, call ->
            {
                call.reply().putLong(0, call.heap().regions().getLong(call.request().getLong(0)));
                call.replyLength(8);
            });
            ch.register(HAS_HEAP, call ->
            {
                call.reply().putLong(0, call.hasHeap() ? 1 : 0);
                call.replyLength(8);
            });
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Until the test closes stdin or kills this JVM.
            }
        }
    }
}
