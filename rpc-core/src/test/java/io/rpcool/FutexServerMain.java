package io.rpcool;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A server JVM for the futex wake-up tests: one handler thread, waiting in the given idle mode with
 * no spin and a 10 s longest park, so a handler asleep on its queue's doorbell is woken by the
 * client or not for 10 s. Serves {@link TestServerMain#ECHO} and {@link TestServerMain#SLOW}.
 * A line {@code COUNTERS} on stdin answers {@code COUNTERS <futex wake-ups issued> <futex sleeps woken>}.
 *
 * <p>args: directory, channel name, idle mode ({@code SPIN} or {@code HAND_OFF})
 */
public final class FutexServerMain
{
    private FutexServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL)
            .idleMode(RpcoolContext.IdleMode.valueOf(args[2])).spinNs(0).heapSize(1024 * 1024);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            rpc.waitControl().handOffParkNs(10_000_000_000L);
            final Channel ch = rpc.openChannel(args[1], ChannelOptions.defaults().handlerThreads(1));
            ch.register(TestServerMain.ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(TestServerMain.SLOW, call -> Thread.sleep(call.request().getInt(0)));
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null)
            {
                if ("COUNTERS".equals(line))
                {
                    final RpcoolCounters c = rpc.counterSet();
                    System.out.println("COUNTERS " + c.futexWakes.get() + " " + c.futexSleeps.get());
                    System.out.flush();
                }
            }
        }
    }
}
