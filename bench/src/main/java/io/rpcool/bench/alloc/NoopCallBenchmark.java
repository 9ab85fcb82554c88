package io.rpcool.bench.alloc;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * Synchronous no-op calls over an in-process channel and connection ({@link NoopCallFixture}), one
 * benchmark thread as the client and the channel's handler thread as the server. Run with JMH's GC
 * profiler ({@code -prof gc}), whose {@code gc.alloc.rate.norm} is the bytes allocated per call by
 * all threads of the fork; {@link AllocJmhMain} does that for the {@code alloc} suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class NoopCallBenchmark
{
    /**
     * {@code shm} or {@code tcp}: see {@link NoopCallFixture.Kind}.
     */
    @Param({"shm", "tcp"})
    public String transport;

    private NoopCallFixture fixture;
    private long sequence;

    @Setup(Level.Trial)
    public void open()
    {
        fixture = NoopCallFixture.open(NoopCallFixture.Kind.parse(transport));
    }

    @TearDown(Level.Trial)
    public void close()
    {
        fixture.close();
    }

    /**
     * @return the echoed request, consumed by JMH.
     */
    @Benchmark
    public long call()
    {
        return fixture.call(++sequence);
    }
}
