package io.rpcool.bench.ycsb.memcached;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;

/**
 * A client JVM that sets and gets checked values in a loop until its stdin closes. Args: transport,
 * endpoint, daemon directory. Prints {@code RUNNING <pid>} after its first round trip and
 * {@code DONE <round trips>} at the end; exits 1 on any failure.
 */
public final class LoopClientMain
{
    private LoopClientMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final MemcachedTransport t = MemcachedTransport.of(args[0]);
        final Rpcool rpc = t == MemcachedTransport.RPCOOL_SHM ?
            Rpcool.launch(new RpcoolContext().directory(Path.of(args[2])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL)) : null;
        final EventLoopGroup group = t.newGroup(1, rpc);
        final String me = Long.toString(ProcessHandle.current().pid());
        final Thread stdin = new Thread(() ->
        {
            try
            {
                while (System.in.read() >= 0)
                {
                    // until end of file
                }
            }
            catch (final java.io.IOException ignore)
            {
                // gone
            }
        });
        stdin.setDaemon(true);
        stdin.start();
        long ops = 0;
        try (MemcachedClient c = MemcachedClient.connect(t.clientChannel(), group, t.address(args[1]), 10_000))
        {
            while (stdin.isAlive())
            {
                final byte[] value = (me + "-" + ops).getBytes();
                c.set("loop-" + me, value);
                if (!Arrays.equals(value, c.get("loop-" + me)))
                {
                    throw new IllegalStateException("read back a different value at round trip " + ops);
                }
                if (ops++ == 0)
                {
                    System.out.println("RUNNING " + me);
                }
            }
        }
        catch (final Exception e)
        {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("DONE " + ops);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        System.exit(0);
    }
}
