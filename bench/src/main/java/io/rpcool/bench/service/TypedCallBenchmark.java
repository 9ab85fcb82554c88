package io.rpcool.bench.service;

import java.util.concurrent.TimeUnit;

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

import io.rpcool.ClientCall;
import io.rpcool.bench.alloc.NoopCallFixture;

/**
 * A typed no-op call against the raw function-id no-op on the same in-process channel and connection
 * ({@link NoopCallFixture}), in the same run: the cost of the typed layer (slot taken and returned per
 * call, 8-byte deadline header, dispatch through the generated invoker, deadline context). With JMH's GC
 * profiler, {@code gc.alloc.rate.norm} is the bytes allocated per call by every thread of the fork.
 * <pre>
 *   java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *       -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" org.openjdk.jmh.Main TypedCallBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class TypedCallBenchmark
{
    /** {@code shm} or {@code tcp}. */
    @Param({"shm"})
    public String transport;

    private NoopCallFixture fixture;
    private NoopServiceRpc.Stub stub;
    private long sequence;

    @Setup(Level.Trial)
    public void open()
    {
        fixture = NoopCallFixture.open(NoopCallFixture.Kind.parse(transport));
        NoopServiceRpc.bind(fixture.channel(), new NoopServiceImpl());
        stub = NoopServiceRpc.stub(fixture.connection());
    }

    @TearDown(Level.Trial)
    public void close()
    {
        fixture.close();
    }

    /** The raw echo with one call slot kept across calls (the {@code alloc} suite's call). */
    @Benchmark
    public long rawKeptSlot()
    {
        return fixture.call(++sequence);
    }

    /** The raw echo taking and returning a slot per call, as a typed call does. */
    @Benchmark
    public long rawSlotPerCall()
    {
        try (ClientCall call = fixture.connection().newCall(NoopCallFixture.ECHO))
        {
            call.request().putLong(0, ++sequence);
            call.invoke(8);
            return call.reply().getLong(0);
        }
    }

    @Benchmark
    public void typedNoop()
    {
        stub.noop();
    }

    @Benchmark
    public long typedEcho()
    {
        return stub.echo(++sequence);
    }
}
