package io.rpcool.bench.seal;

import java.nio.file.Path;

import org.agrona.DirectBuffer;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;

/**
 * The server JVM of {@link SealBench}'s round trips: embeds the daemon (which picks the seal backend
 * named by {@code rpcool.seal.backend}, the kernel one when the module is loaded) and serves one channel
 * with one handler thread, so that each side has exactly one spinning thread.
 *
 * <pre>
 *   function   request                     reply
 *   NOOP       ignored                     empty
 *   CHECKSUM   n bytes, read as longs      8 bytes: their sum (every byte of the request is read)
 * </pre>
 *
 * <p>args: daemon directory. Prints {@code READY pid backend} once serving.
 */
public final class SealBenchServer
{
    /** Nothing. */
    public static final int NOOP = 4;
    /** Sum the request as longs (reads every byte) and reply the sum. */
    public static final int CHECKSUM = 5;

    public static final String CHANNEL = "/bench/seal";

    private SealBenchServer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0]))
            .daemonMode(RpcoolContext.DaemonMode.EMBEDDED).processName("seal-bench-server").callTimeoutMs(60_000);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Channel channel = rpc.openChannel(CHANNEL, ChannelOptions.defaults().handlerThreads(1));
            channel.register(NOOP, call -> { });
            channel.register(CHECKSUM, call ->
            {
                final DirectBuffer request = call.request();
                final int length = call.requestLength() & ~7;
                long sum = 0;
                for (int i = 0; i < length; i += 8)
                {
                    sum += request.getLong(i);
                }
                call.reply().putLong(0, sum);
                call.replyLength(8);
            });
            System.out.println("READY " + ProcessHandle.current().pid() + " " + rpc.sealBackend());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
