package io.rpcool.sandbox;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.FunctionOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;
import io.rpcool.mem.SharedString;

/**
 * A server JVM with sandboxed functions, for tests where the client is a hostile sender in
 * another process.
 * <ul>
 *   <li>{@link #WALK}: request = RPC buffer address, graph root; reply = the graph's sum
 *   ({@link GraphWalker}), read in a sandbox over the buffer.</li>
 *   <li>{@link #SHOUT}: request = RPC buffer address, string pointer; the upper-cased string is
 *   allocated in the RPC buffer (a result the client keeps); reply = its address.</li>
 *   <li>{@link #RAW_READ}: request = RPC buffer address, any address; reads 8 bytes there with
 *   a raw Unsafe load that bypasses the views (only the hardware layer can catch it).</li>
 *   <li>{@link #STATUS}: not sandboxed; reply = the sandbox status line.</li>
 * </ul>
 * args: directory, channel name. Prints {@code READY <pid> <hardware>}.
 */
public final class SandboxServerMain
{
    public static final int WALK = 1;
    public static final int SHOUT = 2;
    public static final int RAW_READ = 3;
    public static final int STATUS = 4;

    private SandboxServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL)
            .heapSize(1024 * 1024);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(2).sandboxed(true));
            ch.register(WALK, call ->
            {
                call.reply().putLong(0, new GraphWalker(call.sandbox().regions()).sum(call.request().getLong(8)));
                call.replyLength(8);
            });
            ch.register(SHOUT, call ->
            {
                final String s = SharedString.read(call.sandbox().regions(), call.request().getLong(8));
                final long tmp = SharedString.allocate(call.sandbox().scratch(), s.toUpperCase(java.util.Locale.ROOT));
                final long kept = SharedString.allocate(call.sandbox().results(), SharedString.read(call.sandbox().regions(), tmp));
                call.reply().putLong(0, kept);
                call.reply().putLong(8, tmp);
                call.replyLength(16);
            });
            ch.register(RAW_READ, call ->
            {
                call.reply().putLong(0, org.agrona.UnsafeApi.getLong(call.request().getLong(8)));
                call.replyLength(8);
            });
            ch.register(STATUS, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, Sandboxes.status())),
                FunctionOptions.defaults().sandboxed(false));
            System.out.println("READY " + ProcessHandle.current().pid() + " " + Sandboxes.hardwareProtection());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
