package io.rpcool.orchestrator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestServerMain;
import io.rpcool.daemon.DaemonException;

/**
 * A client JVM of the fencing test that keeps calling, records its pool mappings
 * ({@link MapsRecorder}) and reports on stdout:
 * <pre>
 *  loop &lt;channel&gt; [data]  calls ECHO without end (with data: first an order in the connection's
 *                         data heap, read by the server in place); a failed call closes the
 *                         connection and it connects again every 100 ms until it can:
 *                           FAILED &lt;ms&gt; &lt;status&gt; &lt;message&gt;      a call failed
 *                           CONNECT_FAILED &lt;ms&gt; &lt;code&gt; &lt;message&gt; the first refusal after a failure
 *                           CONNECTED &lt;ms&gt; &lt;n&gt; &lt;transport&gt;     the n-th connection
 *                           CALLS_OK &lt;ms&gt; &lt;n&gt;                 200 calls in a row on the n-th connection
 *                           ERROR &lt;ms&gt; &lt;exception&gt;             anything else (a wrong echo among them)
 *  churn &lt;channel&gt;        every 150 ms a new connection and 5 calls, the oldest of 3 closed:
 *                         new heaps in the pool
 *  stop                   STOPPED &lt;calls ok&gt; &lt;calls failed&gt;, after both threads ended
 * </pre>
 * <p>args: daemon directory, memory domain, pool directory
 */
public final class FenceClientMain
{
    private static volatile boolean running = true;
    private static long ok;
    private static long failed;

    private FenceClientMain()
    {
    }

    /** A failed connect's code: the daemon's, or the call's status. */
    private static Object code(final RuntimeException e)
    {
        return e instanceof DaemonException ? ((DaemonException)e).code() : ((RpcException)e).status();
    }

    /** A failed call's status, or the daemon's code prefixed DAEMON_. */
    private static String status(final RuntimeException e)
    {
        return e instanceof RpcException ? ((RpcException)e).status().toString() : "DAEMON_" + ((DaemonException)e).code();
    }

    static synchronized void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    private static synchronized void count(final boolean success)
    {
        if (success)
        {
            ok++;
        }
        else
        {
            failed++;
        }
    }

    public static void main(final String[] args) throws Exception
    {
        MapsRecorder.start(Path.of(args[2]));
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[1])
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SLEEP).callTimeoutMs(5_000)
            .heapSize(1024 * 1024);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            say("READY " + ProcessHandle.current().pid());
            final List<Thread> threads = new ArrayList<>();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null)
            {
                final String[] w = line.split(" ");
                final Thread t;
                switch (w[0])
                {
                    case "loop":
                        t = new Thread(() -> loop(rpc, w[1], w.length > 2), "loop");
                        break;
                    case "churn":
                        t = new Thread(() -> churn(rpc, w[1]), "churn");
                        break;
                    case "stop":
                        running = false;
                        for (final Thread thread : threads)
                        {
                            thread.join(10_000);
                        }
                        synchronized (FenceClientMain.class)
                        {
                            say("STOPPED " + ok + " " + failed);
                        }
                        continue;
                    default:
                        say("UNKNOWN " + line);
                        continue;
                }
                threads.add(t);
                t.start();
            }
        }
    }

    private static void loop(final Rpcool rpc, final String channel, final boolean data)
    {
        int connections = 0;
        int streak = 0;
        boolean refusedSinceFailure = false;
        Connection conn = null;
        long value = 0;
        while (running)
        {
            try
            {
                if (conn == null)
                {
                    try
                    {
                        conn = rpc.connect(channel);
                    }
                    catch (final DaemonException | RpcException e)
                    {
                        if (!refusedSinceFailure)
                        {
                            refusedSinceFailure = true;
                            say("CONNECT_FAILED " + System.currentTimeMillis() + " " + code(e) + " " + e.getMessage());
                        }
                        Thread.sleep(100);
                        continue;
                    }
                    connections++;
                    streak = 0;
                    refusedSinceFailure = false;
                    say("CONNECTED " + System.currentTimeMillis() + " " + connections + " " + conn.transport());
                    if (data)
                    {
                        total(conn);
                    }
                }
                try (ClientCall c = conn.newCall(TestServerMain.ECHO))
                {
                    c.request().putLong(0, ++value);
                    c.invoke(8);
                    if (c.replyLength() != 8 || c.reply().getLong(0) != value)
                    {
                        throw new IllegalStateException("echo of " + value + " came back as " + c.reply().getLong(0));
                    }
                }
                count(true);
                if (++streak == 200)
                {
                    say("CALLS_OK " + System.currentTimeMillis() + " " + connections);
                }
                Thread.sleep(2);
            }
            catch (final RpcException | DaemonException e)
            {
                count(false);
                say("FAILED " + System.currentTimeMillis() + " " + status(e) + " " + e.getMessage());
                conn.close();
                conn = null;
            }
            catch (final RuntimeException e)
            {
                count(false);
                say("ERROR " + System.currentTimeMillis() + " " + e);
                conn.close();
                conn = null;
            }
            catch (final InterruptedException e)
            {
                return;
            }
        }
        if (conn != null)
        {
            conn.close();
        }
    }

    /** An order copied into the connection's data heap, read in place by the server. */
    private static void total(final Connection conn)
    {
        try (ClientCall c = conn.newCall(TestServerMain.TOTAL))
        {
            final long order = conn.copyFrom(new TestServerMain.Order("o-1",
                List.of(new TestServerMain.Line("tea", 3, 250), new TestServerMain.Line("cake", 2, 400)), Map.of("k", "v")));
            c.request().putLong(0, order);
            c.invoke(8);
            if (c.reply().getLong(0) != 1550)
            {
                throw new IllegalStateException("total " + c.reply().getLong(0));
            }
        }
    }

    private static void churn(final Rpcool rpc, final String channel)
    {
        final ArrayDeque<Connection> open = new ArrayDeque<>();
        while (running)
        {
            try
            {
                final Connection conn = rpc.connect(channel);
                open.add(conn);
                for (int i = 0; i < 5; i++)
                {
                    try (ClientCall c = conn.newCall(TestServerMain.ECHO))
                    {
                        c.request().putLong(0, i);
                        c.invoke(8);
                    }
                }
            }
            catch (final DaemonException | RpcException e)
            {
                // a refusal or a failure while the cluster changes: try again
            }
            while (open.size() > 3)
            {
                open.poll().close();
            }
            try
            {
                Thread.sleep(150);
            }
            catch (final InterruptedException e)
            {
                return;
            }
        }
        for (final Connection c : open)
        {
            c.close();
        }
    }
}
