package io.rpcool;

import java.nio.file.Path;

/**
 * A server JVM for multi-process tests: serves {@code ECHO}, {@code SLOW} (sleeps the number of
 * milliseconds in the request), {@code ADDRESS} (replies the address at which it reads the request),
 * {@code HELLO} and {@code SEALED_PROTECTION} (sealed calls only) on the channel named by its arguments.
 *
 * <p>args: directory, channel name, memory domain
 */
public final class TestServerMain
{
    public static final int ECHO = 1;
    public static final int SLOW = 2;
    public static final int ADDRESS = 3;
    public static final int HELLO = 4;
    /** Reply the call's protection name; only sealed (or copied) calls are accepted. */
    public static final int SEALED_PROTECTION = 5;

    private TestServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).domain(args.length > 2 ? args[2] : "local")
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(2));
            ch.register(ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(SLOW, call -> Thread.sleep(call.request().getInt(0)));
            ch.register(ADDRESS, call ->
            {
                call.reply().putLong(0, call.request().addressOffset());
                call.replyLength(8);
            });
            ch.register(HELLO, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, "Hello!")));
            ch.register(SEALED_PROTECTION, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, call.protection().name())),
                io.rpcool.seal.SealRequirement.SEALED);
            System.out.println("READY " + ProcessHandle.current().pid() + " " + ch.tcpPort());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
