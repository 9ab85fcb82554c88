package io.rpcool;

import java.nio.file.Path;

/**
 * Run as another Unix user by {@link OtherUserTest}: tries to use the daemon of a directory and to
 * call a channel's echo function; prints {@code CALLED}, or {@code REFUSED} and why.
 *
 * <p>args: directory, channel name
 */
public final class OtherUserMain
{
    private OtherUserMain()
    {
    }

    public static void main(final String[] args)
    {
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0]))
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).callTimeoutMs(5000);
        try (Rpcool rpc = Rpcool.launch(ctx); Connection conn = rpc.connect(args[1]); ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            call.request().putInt(0, 42);
            call.invoke(4);
            System.out.println(call.reply().getInt(0) == 42 ? "CALLED" : "WRONG");
        }
        catch (final RuntimeException e)
        {
            System.out.println("REFUSED " + e);
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
