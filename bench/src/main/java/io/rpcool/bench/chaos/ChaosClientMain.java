package io.rpcool.bench.chaos;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.RpcException;
import io.rpcool.Status;

/**
 * A chaos-test client: calls its channel without pause (echo calls checked byte for byte, and short
 * slow calls), reconnecting whenever the server fails. A watchdog counts a call as hung when it has
 * not ended {@code hangMs} after it started; a call that fails with PEER_GONE or CONNECTION_CLOSED
 * failed cleanly; any other failure, and a wrong echo, is counted as a bad call. Prints
 * {@code STATS made ok clean hung bad} every 200 ms and once more, as {@code FINAL ...}, on the
 * command {@code stop}.
 *
 * <p>args: daemon directory, channel name, memory domain, hang ms
 */
public final class ChaosClientMain
{
    private static volatile long inFlightSinceMs;
    private static volatile long currentCall;
    private static long made;
    private static long ok;
    private static long clean;
    private static long bad;
    private static volatile long hung;
    private static volatile boolean stop;

    private ChaosClientMain()
    {
    }

    private static synchronized void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    private static String stats()
    {
        synchronized (ChaosClientMain.class)
        {
            return made + " " + ok + " " + clean + " " + hung + " " + bad;
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final long hangMs = Long.parseLong(args[3]);
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).domain(args[2])
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SLEEP).callTimeoutMs(hangMs * 2);
        final Thread watchdog = new Thread(() ->
        {
            long lastHung = -1;
            while (true)
            {
                final long since = inFlightSinceMs;
                final long call = currentCall;
                if (since != 0 && call != lastHung && System.currentTimeMillis() - since > hangMs)
                {
                    lastHung = call;
                    hung++;
                    say("HUNG call " + call + " in flight for " + (System.currentTimeMillis() - since) + " ms");
                }
                say("STATS " + stats());
                try
                {
                    Thread.sleep(200);
                }
                catch (final InterruptedException e)
                {
                    return;
                }
            }
        }, "chaos-watchdog");
        watchdog.setDaemon(true);
        final Thread control = new Thread(() ->
        {
            try
            {
                final BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
                String line;
                while ((line = in.readLine()) != null)
                {
                    if (line.equals("stop"))
                    {
                        stop = true;
                        return;
                    }
                }
            }
            catch (final java.io.IOException e)
            {
                // parent gone
            }
            stop = true;
        }, "chaos-control");
        control.setDaemon(true);
        control.start();
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            say("READY " + ProcessHandle.current().pid());
            watchdog.start();
            long seq = 0;
            while (!stop)
            {
                final Connection conn;
                try
                {
                    conn = rpc.connect(args[1]);
                }
                catch (final RuntimeException e)
                {
                    Thread.sleep(50);   // server restarting: try again
                    continue;
                }
                try (ClientCall echo = conn.newCall(ChaosServerMain.ECHO); ClientCall slow = conn.newCall(ChaosServerMain.SLOW))
                {
                    while (!stop && conn.isOpen())
                    {
                        final boolean isSlow = ThreadLocalRandom.current().nextInt(10) == 0;
                        final long value = ++seq;
                        synchronized (ChaosClientMain.class)
                        {
                            made++;
                        }
                        currentCall = value;
                        inFlightSinceMs = System.currentTimeMillis();
                        try
                        {
                            if (isSlow)
                            {
                                slow.request().putInt(0, ThreadLocalRandom.current().nextInt(1, 30));
                                slow.invoke(4);
                                synchronized (ChaosClientMain.class)
                                {
                                    ok++;
                                }
                            }
                            else
                            {
                                echo.request().putLong(0, value);
                                echo.invoke(8);
                                final boolean right = echo.replyLength() == 8 && echo.reply().getLong(0) == value;
                                synchronized (ChaosClientMain.class)
                                {
                                    if (right)
                                    {
                                        ok++;
                                    }
                                    else
                                    {
                                        bad++;
                                    }
                                }
                            }
                        }
                        catch (final RpcException e)
                        {
                            final boolean isClean = e.status() == Status.PEER_GONE || e.status() == Status.CONNECTION_CLOSED;
                            synchronized (ChaosClientMain.class)
                            {
                                if (isClean)
                                {
                                    clean++;
                                }
                                else if (e.status() != Status.DEADLINE_EXCEEDED)
                                {
                                    bad++;   // a deadline means the watchdog counted it as hung already
                                }
                            }
                            if (!isClean)
                            {
                                say("BAD " + e.getMessage());
                            }
                        }
                        finally
                        {
                            inFlightSinceMs = 0;
                        }
                    }
                }
                catch (final RpcException e)
                {
                    // the connection failed while taking its call slots: connect again
                }
                conn.close();
            }
            say("FINAL " + stats());
        }
    }
}
