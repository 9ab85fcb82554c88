package io.rpcool;

import java.nio.file.Path;

/**
 * A client JVM that calls ECHO in a loop and reports progress, to be killed mid-call.
 *
 * <p>args: directory, channel name
 */
public final class TestClientLoopMain
{
    private TestClientLoopMain()
    {
    }

    public static void main(final String[] args)
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx); Connection conn = rpc.connect(args[1]); ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            for (long i = 0; ; i++)
            {
                call.request().putLong(0, i);
                call.invoke(8);
                if (i % 1000 == 0)
                {
                    System.out.println("CALLS " + i);
                    System.out.flush();
                }
            }
        }
    }
}
