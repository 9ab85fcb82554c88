package io.rpcool.bench.systems.netty;

import io.netty.channel.EventLoopGroup;
import io.rpcool.bench.fork.ClientOptions;
import io.rpcool.bench.fork.ClientResult;
import io.rpcool.bench.fork.ClientSupport;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Client of {@code netty-tcp}: the phases of {@link ClientOptions} run on Netty event loops (see
 * {@link PingPongConnection}); the multi-client phase uses one connection per event loop thread.
 */
public final class NettyTcpClient
{
    private NettyTcpClient()
    {
    }

    public static void main(final String[] args)
    {
        ClientSupport.runCustom(args, NettyTcpClient::measure);
    }

    static ClientResult measure(final String endpoint, final ClientOptions options) throws Exception
    {
        final EventLoopGroup single = NettyTransport.group(1);
        final EventLoopGroup multi = options.threads() > 1 ? NettyTransport.group(options.threads() - 1) : null;
        final List<PingPongConnection> connections = new ArrayList<>();
        try
        {
            final PingPongConnection first = PingPongConnection.connect(single, endpoint);
            connections.add(first);

            first.runFor(options.warmupCalls(), options.warmupMinMs(), options.warmupMaxMs(), null).get();
            final Histogram histogram = new Histogram(ClientSupport.HIGHEST_TRACKABLE_NS, 3);
            first.runFor(options.measureCalls(), options.measureMinMs(), options.measureMaxMs(), histogram).get();
            final double opsPerS = first.runFor(0, options.throughputMs(), options.throughputMs(), null).get().opsPerS();

            Double multiOpsPerS = null;
            if (multi != null)
            {
                for (int i = 1; i < options.threads(); i++)
                {
                    connections.add(PingPongConnection.connect(multi, endpoint));
                }
                multiOpsPerS = multiThroughput(connections, options);
            }
            return new ClientResult(
                histogram.getValueAtPercentile(50.0),
                histogram.getValueAtPercentile(99.0),
                histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue(),
                histogram.getMean(),
                histogram.getTotalCount(),
                opsPerS,
                multi != null ? options.threads() : 0,
                multiOpsPerS);
        }
        finally
        {
            for (final PingPongConnection connection : connections)
            {
                connection.close();
            }
            single.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (multi != null)
            {
                multi.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    private static double multiThroughput(final List<PingPongConnection> connections, final ClientOptions options)
        throws Exception
    {
        final List<CompletableFuture<PingPongConnection.Phase>> warmups = new ArrayList<>();
        for (final PingPongConnection connection : connections)
        {
            warmups.add(connection.runFor(0, options.warmupMinMs(), options.warmupMinMs(), null));
        }
        CompletableFuture.allOf(warmups.toArray(new CompletableFuture<?>[0])).get();

        final long startNs = System.nanoTime();
        final List<CompletableFuture<PingPongConnection.Phase>> phases = new ArrayList<>();
        for (final PingPongConnection connection : connections)
        {
            phases.add(connection.runUntilStopped());
        }
        Thread.sleep(options.throughputMs());
        for (final PingPongConnection connection : connections)
        {
            connection.stop();
        }
        long calls = 0;
        long endNs = startNs;
        for (final CompletableFuture<PingPongConnection.Phase> phase : phases)
        {
            final PingPongConnection.Phase result = phase.get();
            calls += result.calls();
            endNs = Math.max(endNs, result.endNs());
        }
        return calls * 1e9 / (endNs - startNs);
    }
}
