package io.rpcool.bench;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.Record;

import java.util.Optional;

/**
 * CI smoke check behind {@code --assert-faster A,B}: system A's median p50 round trip must be lower
 * than system B's in the same run.
 */
public final class FasterAssertion
{
    private FasterAssertion()
    {
    }

    /**
     * @param report  results of one invocation.
     * @param faster  system expected to be faster.
     * @param slower  system expected to be slower.
     * @return empty if {@code faster} has the lower p50, else why the check failed (including a
     * missing result).
     */
    public static Optional<String> check(final BenchReport report, final String faster, final String slower)
    {
        final String rtt = Record.rttCase(report.header().suite());
        final Optional<Double> a = report.value(rtt, faster, Record.P50);
        final Optional<Double> b = report.value(rtt, slower, Record.P50);
        if (a.isEmpty() || b.isEmpty())
        {
            return Optional.of("cannot compare: no " + rtt + " p50 for " + (a.isEmpty() ? faster : slower));
        }
        if (a.get() < b.get())
        {
            return Optional.empty();
        }
        return Optional.of(faster + " p50 " + MarkdownReportWriter.duration(a.get()) + " is not lower than " +
            slower + " p50 " + MarkdownReportWriter.duration(b.get()));
    }
}
