package io.rpcool.examples.pingpong;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.mem.SharedString;

/**
 * Calls {@link PingPong#HELLO} and prints the reply, then measures no-op round trips over shared
 * memory and, when given the server's TCP port, over the TCP fallback in the same run.
 *
 * <p>args: [tcp port] [calls]
 */
public final class PingPongClient
{
    private PingPongClient()
    {
    }

    public static void main(final String[] args)
    {
        final int tcpPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        final int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        try (Rpcool rpc = Rpcool.launch(); Connection conn = rpc.connect(PingPong.CHANNEL))
        {
            try (ClientCall call = conn.newCall(PingPong.HELLO))
            {
                call.invoke(0);
                System.out.println(call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
                System.out.printf("  (read in place at 0x%x in the connection's shared heap, transport %s)%n",
                    call.reply().addressOffset(), conn.transport());
            }
            try (ClientCall call = conn.newCall(PingPong.SHARED_STRING))
            {
                call.invoke(0);
                final long text = call.reply().getLong(0);
                System.out.printf("client: string at 0x%x: %s%n", text, SharedString.read(conn.heap().regions(), text));
            }
            final Histogram shm = measure(conn, calls);
            report("shared memory", shm, calls);
            if (tcpPort > 0)
            {
                try (Connection tcp = rpc.connect(PingPong.CHANNEL, ConnectOptions.remote("127.0.0.1", tcpPort)))
                {
                    final int tcpCalls = Math.max(1000, calls / 20);
                    final Histogram h = measure(tcp, tcpCalls);
                    report("TCP fallback ", h, tcpCalls);
                    System.out.printf("shared memory p50 is %.1fx lower than the TCP fallback's in this run%n",
                        (double)h.getValueAtPercentile(50) / Math.max(1, shm.getValueAtPercentile(50)));
                }
            }
        }
    }

    private static Histogram measure(final Connection conn, final int calls)
    {
        final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (ClientCall call = conn.newCall(PingPong.NOOP))
        {
            for (int i = 0; i < calls / 2; i++)
            {
                call.invoke(0);
            }
            for (int i = 0; i < calls; i++)
            {
                final long start = System.nanoTime();
                call.invoke(0);
                h.recordValue(System.nanoTime() - start);
            }
        }
        return h;
    }

    private static void report(final String name, final Histogram h, final int calls)
    {
        System.out.printf("%s: %d no-op calls, p50 %.2f us, p99 %.2f us, p99.9 %.2f us%n", name, calls,
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0);
    }
}
