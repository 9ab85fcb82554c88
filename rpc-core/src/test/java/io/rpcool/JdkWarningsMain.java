package io.rpcool;

import java.nio.file.Path;

/**
 * One whole round of the library in a JVM of its own: an embedded daemon, a channel, a connection
 * over shared memory, a call, and the TCP fallback's Netty classes loaded. Prints OK.
 *
 * <p>args: directory for the daemon
 */
public final class JdkWarningsMain
{
    private JdkWarningsMain()
    {
    }

    public static void main(final String[] args)
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EMBEDDED);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel channel = rpc.openChannel("/warnings/echo");
            channel.register(1, call -> call.replyLength(0));
            try (Connection conn = rpc.connect("/warnings/echo"); ClientCall call = conn.newCall(1))
            {
                call.invoke(0);
            }
            try (Connection tcp = rpc.connect("/warnings/echo", ConnectOptions.remote("127.0.0.1", channel.tcpPort()));
                ClientCall call = tcp.newCall(1))
            {
                call.invoke(0);
            }
        }
        System.out.println("OK");
    }
}
