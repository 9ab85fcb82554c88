package io.rpcool.dsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.SharedHeap;
import io.rpcool.Transport;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * {@code noop-rtt} across memory domains, interleaved in one run against one server JVM: an 8-byte
 * echo over {@link Transport#DSM} and over the {@link Transport#TCP} copy fallback, and a
 * {@code pointer-read} over the DSM (the client writes a long in the connection heap, the server
 * reads it in place: the page moves to the server and back on every call). Not a test; run by hand
 * (see DESIGN.md). Prints one line per case with p50 and p99 in ns and the ratios to the TCP fallback.
 */
public final class DsmNoopBench
{
    private static final int CALLS = 2_000;
    private static final int ROUNDS = 10;
    private static final int WARMUP = 20_000;

    private DsmNoopBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-bench-dsm-");
        final long[][] samples = new long[3][CALLS * ROUNDS];
        try (Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(dir).idleMode(RpcoolContext.IdleMode.SPIN)
                .daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
             ChildJvm server = ChildJvm.builder(DsmChannelServerMain.class).name("dsm-bench-server").jvmFlags("-Xmx256m")
                 .args(dir.toString(), "/bench/far", "far").start())
        {
            server.awaitLine("READY", TestPeers.LINE_MS);
            try (Connection tcp = rpc.connect("/bench/far", ConnectOptions.defaults().transport(Transport.TCP));
                 Connection dsm = rpc.connect("/bench/far", ConnectOptions.defaults().transport(Transport.DSM));
                 ClientCall tcpCall = tcp.newCall(DsmChannelServerMain.ECHO);
                 ClientCall dsmCall = dsm.newCall(DsmChannelServerMain.ECHO);
                 ClientCall readCall = dsm.newCall(DsmChannelServerMain.READ))
            {
                final SharedHeap heap = dsm.heap();
                final long cell = heap.allocate(8);
                readCall.request().putLong(0, cell);
                for (int i = 0; i < WARMUP; i++)
                {
                    echo(tcpCall, i);
                    echo(dsmCall, i);
                    if (i % 10 == 0)
                    {
                        read(heap, readCall, cell, i);
                    }
                }
                for (int r = 0; r < ROUNDS; r++)
                {
                    for (int i = 0; i < CALLS; i++)
                    {
                        final int at = r * CALLS + i;
                        long t = System.nanoTime();
                        echo(tcpCall, i);
                        samples[0][at] = System.nanoTime() - t;
                        t = System.nanoTime();
                        echo(dsmCall, i);
                        samples[1][at] = System.nanoTime() - t;
                        t = System.nanoTime();
                        read(heap, readCall, cell, i);
                        samples[2][at] = System.nanoTime() - t;
                    }
                }
            }
        }
        final String[] names = {"noop-rtt rpcool-tcp-fallback", "noop-rtt rpcool-dsm-tcp", "pointer-read rpcool-dsm-tcp"};
        final long base = p(samples[0], 50);
        for (int s = 0; s < names.length; s++)
        {
            final long p50 = p(samples[s], 50);
            System.out.printf("%-32s p50 %8d ns  p99 %8d ns  ratio to tcp-fallback p50 %.2f%n",
                names[s], p50, p(samples[s], 99), (double)p50 / base);
        }
    }

    private static void echo(final ClientCall call, final int i)
    {
        call.request().putLong(0, i);
        call.invoke(8);
        if (call.reply().getLong(0) != i)
        {
            throw new IllegalStateException("echo of " + i);
        }
    }

    private static void read(final SharedHeap heap, final ClientCall call, final long cell, final int i)
    {
        heap.regions().putLong(cell, i);
        call.invoke(8);
        if (call.reply().getLong(0) != i)
        {
            throw new IllegalStateException("read of " + i);
        }
    }

    private static long p(final long[] samples, final int percentile)
    {
        final long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
    }
}
