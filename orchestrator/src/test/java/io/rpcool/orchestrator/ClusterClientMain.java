package io.rpcool.orchestrator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.RpcException;
import io.rpcool.TestServerMain;
import io.rpcool.daemon.DaemonException;

/**
 * A client JVM on one host, driven by commands on stdin:
 * <pre>
 *  connect &lt;channel&gt;  CONNECTED &lt;transport&gt;  (or CONNECT_FAILED &lt;message&gt;)
 *  call &lt;n&gt;           CALLS &lt;ok&gt; &lt;failed&gt;    n echo calls, each checked
 *  pending &lt;ms&gt;       PENDING_SENT, later PENDING_DONE or PENDING_FAILED &lt;status&gt;
 *  read               READ &lt;value&gt;              a value written in the heap before, read again
 *  try                CALL_OK or REFUSED &lt;status&gt;
 *  greet              GREETING &lt;address&gt; &lt;text&gt;  a string the server allocated in the connection's data heap
 *  total              TOTAL &lt;sum&gt; &lt;address&gt;      an order built in this side's data heap, read by the server in place
 *  close              CLOSED
 * </pre>
 * The connection's failure listener prints {@code PEER_FAILED <epoch ms> <message>}.
 *
 * <p>args: daemon directory, memory domain
 */
public final class ClusterClientMain
{
    private ClusterClientMain()
    {
    }

    private static synchronized void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[1])
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SLEEP).callTimeoutMs(20_000);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            Connection conn = null;
            ClientCall marker = null;
            say("READY " + ProcessHandle.current().pid());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null)
            {
                final String[] w = line.split(" ");
                switch (w[0])
                {
                    case "connect":
                        try
                        {
                            conn = rpc.connect(w[1]);
                            conn.peerFailureListener((ch, message) -> say("PEER_FAILED " + System.currentTimeMillis() + " " + message));
                            marker = conn.newCall(TestServerMain.ECHO);
                            marker.request().putLong(0, 0x5eed_cafeL);
                            say("CONNECTED " + conn.transport());
                        }
                        catch (final DaemonException | RpcException | IllegalStateException e)
                        {
                            say("CONNECT_FAILED " + e.getMessage());
                        }
                        break;
                    case "call":
                    {
                        int ok = 0;
                        int failed = 0;
                        try (ClientCall c = conn.newCall(TestServerMain.ECHO))
                        {
                            for (int i = 0; i < Integer.parseInt(w[1]); i++)
                            {
                                c.request().putLong(0, i * 31L + 7);
                                try
                                {
                                    c.invoke(8);
                                    if (c.replyLength() == 8 && c.reply().getLong(0) == i * 31L + 7)
                                    {
                                        ok++;
                                    }
                                    else
                                    {
                                        failed++;
                                    }
                                }
                                catch (final RpcException e)
                                {
                                    failed++;
                                }
                            }
                        }
                        say("CALLS " + ok + " " + failed);
                        break;
                    }
                    case "pending":
                    {
                        final ClientCall c = conn.newCall(TestServerMain.SLOW);
                        c.request().putInt(0, Integer.parseInt(w[1]));
                        final CompletableFuture<ClientCall> f = c.invokeAsync(4);
                        say("PENDING_SENT");
                        f.whenComplete((r, e) ->
                        {
                            if (e == null)
                            {
                                say("PENDING_DONE");
                            }
                            else
                            {
                                final Throwable cause = e.getCause() != null ? e.getCause() : e;
                                say("PENDING_FAILED " +
                                    (cause instanceof RpcException ? ((RpcException)cause).status() : cause.toString()));
                            }
                        });
                        break;
                    }
                    case "read":
                        say("READ " + Long.toHexString(marker.request().getLong(0)));
                        break;
                    case "try":
                        try (ClientCall c = conn.newCall(TestServerMain.ECHO))
                        {
                            c.invoke(0);
                            say("CALL_OK");
                        }
                        catch (final RpcException e)
                        {
                            say("REFUSED " + e.status());
                        }
                        break;
                    case "greet":
                        try (ClientCall c = conn.newCall(TestServerMain.GREETING))
                        {
                            c.invoke(0);
                            final long text = c.reply().getLong(0);
                            say(String.format("GREETING 0x%x %s", text, io.rpcool.mem.SharedString.read(conn.heap().regions(), text)));
                        }
                        break;
                    case "total":
                        try (ClientCall c = conn.newCall(TestServerMain.TOTAL))
                        {
                            final long order = conn.copyFrom(new TestServerMain.Order("o-1",
                                java.util.List.of(new TestServerMain.Line("tea", 3, 250), new TestServerMain.Line("cake", 2, 400)),
                                java.util.Map.of("k", "v")));
                            c.request().putLong(0, order);
                            c.invoke(8);
                            say(String.format("TOTAL %d 0x%x 0x%x", c.reply().getLong(0), c.reply().getLong(8), order));
                        }
                        break;
                    case "close":
                        conn.close();
                        say("CLOSED");
                        break;
                    default:
                        say("UNKNOWN " + line);
                }
            }
        }
    }
}
