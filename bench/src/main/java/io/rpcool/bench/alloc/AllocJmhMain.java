package io.rpcool.bench.alloc;

import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.harness.Harness;
import io.rpcool.harness.jvm.JvmFlags;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Forked JVM of the {@code alloc} suite that runs {@link NoopCallBenchmark} with JMH's GC profiler
 * and reports {@code gc.alloc.rate.norm} per transport. JMH forks its own JVMs for the measurement,
 * with this JVM's class path, the harness's common flags and the flags every JVM of the project needs ({@code JvmFlags.required()}).
 * <pre>
 *   java ... AllocJmhMain transports=shm,tcp warmupIterations=N warmupMs=N iterations=N iterationMs=N forks=N
 *   stdout: JMH's own report, then RESULT {"entries": [{"system": ..., "alloc_bytes_per_op": ...}, ...]}
 * </pre>
 */
public final class AllocJmhMain
{
    /**
     * The GC profiler's figure of bytes allocated per operation.
     */
    public static final String ALLOC_RATE_NORM = "gc.alloc.rate.norm";

    private AllocJmhMain()
    {
    }

    public static void main(final String[] args)
    {
        int status = 0;
        try
        {
            final KeyValueArgs options = new KeyValueArgs(args,
                List.of("transports", "warmupIterations", "warmupMs", "iterations", "iterationMs", "forks"));
            final JmhResult result = run(
                Arrays.asList(options.string("transports").split(",")),
                Math.toIntExact(options.number("warmupIterations")),
                options.number("warmupMs"),
                Math.toIntExact(options.number("iterations")),
                options.number("iterationMs"),
                Math.toIntExact(options.number("forks")));
            System.out.println(ForkProtocol.resultLine(result));
            System.out.flush();
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static JmhResult run(final List<String> transports, final int warmupIterations, final long warmupMs,
        final int iterations, final long iterationMs, final int forks) throws RunnerException
    {
        final Options options = new OptionsBuilder()
            .include("^" + Pattern.quote(NoopCallBenchmark.class.getName()) + "\\.")
            .param("transport", transports.toArray(new String[0]))
            .addProfiler(GCProfiler.class)
            .warmupIterations(warmupIterations)
            .warmupTime(TimeValue.milliseconds(warmupMs))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.milliseconds(iterationMs))
            .forks(forks)
            .jvmArgs(Harness.COMMON_FLAGS.toArray(new String[0]))
            .jvmArgsAppend(JvmFlags.required().toArray(new String[0]))
            .shouldFailOnError(true)
            .build();
        final Collection<RunResult> results = new Runner(options).run();

        final List<JmhResult.Entry> entries = new ArrayList<>();
        for (final RunResult run : results)
        {
            final NoopCallFixture.Kind kind = NoopCallFixture.Kind.parse(run.getParams().getParam("transport"));
            final Result<?> alloc = secondary(run.getSecondaryResults(), ALLOC_RATE_NORM);
            final Result<?> primary = run.getPrimaryResult();
            entries.add(new JmhResult.Entry(kind.systemName(),
                alloc.getScore(), finite(alloc.getScoreError()),
                primary.getScore(), finite(primary.getScoreError())));
        }
        return new JmhResult(entries);
    }

    private static Result<?> secondary(final Map<String, Result> results, final String label)
    {
        for (final Map.Entry<String, Result> entry : results.entrySet())
        {
            // older JMH versions prefix secondary labels with a middle dot
            if (entry.getKey().equals(label) || entry.getKey().endsWith("\u00b7" + label))
            {
                return entry.getValue();
            }
        }
        throw new IllegalStateException("JMH reported no " + label + ": " + results.keySet());
    }

    private static Double finite(final double value)
    {
        return Double.isFinite(value) ? value : null;
    }
}
