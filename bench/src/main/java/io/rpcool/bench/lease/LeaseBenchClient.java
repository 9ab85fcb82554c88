package io.rpcool.bench.lease;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import org.HdrHistogram.Histogram;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;

/**
 * The client JVM of the {@code lease} suite, driven by commands on stdin:
 * <pre>
 *  connect &lt;channel&gt;     CONNECTED &lt;transport&gt;  (retries until the channel is open)
 *  noop &lt;calls&gt;         NOOP &lt;p50 ns&gt; &lt;p99 ns&gt;   one call outstanding, after as many warm-up calls
 *  renew &lt;n&gt;            RENEW &lt;p50 ns&gt; &lt;p99 ns&gt;  this process's lease renewed n times, each timed
 *  close                CLOSED
 * </pre>
 * Prints {@code PEER_FAILED <epoch ms>} when the connection's server fails.
 *
 * <p>args: daemon directory, memory domain, renewal period ms (0: the library's default, -1: no renewal)
 */
public final class LeaseBenchClient
{
    static final int ECHO = 1;

    private LeaseBenchClient()
    {
    }

    private static synchronized void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(final String[] args) throws Exception
    {
        final long renewMs = Long.parseLong(args[2]);
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[1])
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SPIN)
            .leaseRenewal(renewMs >= 0).leaseRenewMs(Math.max(0, renewMs));
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            Connection conn = null;
            say("READY " + ProcessHandle.current().pid());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null)
            {
                final String[] w = line.split(" ");
                switch (w[0])
                {
                    case "connect":
                    {
                        final long deadline = System.currentTimeMillis() + 30_000;
                        while (true)
                        {
                            try
                            {
                                conn = rpc.connect(w[1]);
                                break;
                            }
                            catch (final RuntimeException e)
                            {
                                if (System.currentTimeMillis() > deadline)
                                {
                                    throw e;
                                }
                                Thread.sleep(20);
                            }
                        }
                        conn.peerFailureListener((ch, m) -> say("PEER_FAILED " + System.currentTimeMillis()));
                        say("CONNECTED " + conn.transport());
                        break;
                    }
                    case "noop":
                    {
                        final int calls = Integer.parseInt(w[1]);
                        final Histogram h = new Histogram(3);
                        try (ClientCall call = conn.newCall(ECHO))
                        {
                            for (int i = 0; i < 2 * calls; i++)
                            {
                                final long start = System.nanoTime();
                                call.invoke(0);
                                if (i >= calls)
                                {
                                    h.recordValue(System.nanoTime() - start);
                                }
                            }
                        }
                        say("NOOP " + h.getValueAtPercentile(50) + " " + h.getValueAtPercentile(99));
                        break;
                    }
                    case "renew":
                    {
                        final int n = Integer.parseInt(w[1]);
                        final Histogram h = new Histogram(3);
                        for (int i = 0; i < 2 * n; i++)
                        {
                            final long start = System.nanoTime();
                            rpc.renewLease();
                            if (i >= n)
                            {
                                h.recordValue(System.nanoTime() - start);
                            }
                        }
                        say("RENEW " + h.getValueAtPercentile(50) + " " + h.getValueAtPercentile(99));
                        break;
                    }
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
