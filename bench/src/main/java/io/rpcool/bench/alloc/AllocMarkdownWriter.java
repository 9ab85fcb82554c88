package io.rpcool.bench.alloc;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.MarkdownReportWriter;
import io.rpcool.harness.report.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders {@code alloc.md}: bytes per call on each side of a no-op call per transport, whether the
 * shared-memory path is allocation-free, and which background threads allocate.
 */
public final class AllocMarkdownWriter
{
    private static final String NONE = "—";

    private AllocMarkdownWriter()
    {
    }

    /**
     * @param report    header and records.
     * @param settings  how long each measurement ran.
     * @param probes    per-thread results of the successful runs (for the background threads).
     * @param jmh       JMH's result, {@code null} if not run.
     * @param failures  measurements that failed, one line each.
     * @return the Markdown document.
     */
    public static String render(final BenchReport report, final AllocSuite settings,
        final List<AllocationProbe.Result> probes, final JmhResult jmh, final List<String> failures)
    {
        final Header header = report.header();
        final StringBuilder md = new StringBuilder();
        md.append("# `").append(header.suite()).append("` suite\n\n");
        md.append("Bytes allocated per synchronous no-op call (an 8-byte echo) over an in-process channel and ")
            .append("connection: the calling thread is the client, the channel's handler thread the server, and ")
            .append("waiting is pinned to spinning.\n\n");
        md.append("- JDK: ").append(header.jdk()).append(" (").append(header.vm()).append(")\n");
        md.append("- CPU: ").append(header.cpuModel()).append(", ").append(header.cores()).append(" cores\n");
        md.append("- date: ").append(header.date()).append(header.quick() ? " (quick run)" : "").append('\n');
        md.append(String.format(Locale.ROOT, "- per thread (`ThreadMXBean.getThreadAllocatedBytes`): a fresh JVM per " +
            "transport and run, %,d calls after %,d warm-up calls over shared memory, %,d after %,d over TCP; " +
            "medians over %d run%s%n", settings.shmCalls(), settings.shmWarmupCalls(), settings.tcpCalls(),
            settings.tcpWarmupCalls(), header.runs(), header.runs() == 1 ? "" : "s"));
        if (jmh != null)
        {
            md.append(String.format(Locale.ROOT, "- all threads: JMH `-prof gc` (`gc.alloc.rate.norm`) of " +
                "`NoopCallBenchmark`, %d fork%s per transport, %d × %d ms after %d × %d ms warm-up%n",
                settings.jmhForks(), settings.jmhForks() == 1 ? "" : "s", settings.jmhIterations(),
                settings.jmhIterationMs(), settings.jmhWarmupIterations(), settings.jmhWarmupMs()));
        }
        md.append('\n');

        md.append("| system | client B/call | server B/call | other threads B/call | all threads B/call (JMH) | ")
            .append("calls/s (JMH, in-process) |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (final String system : report.systems())
        {
            md.append("| ").append(system)
                .append(" | ").append(bytes(report, AllocSuite.CLIENT_CASE, system))
                .append(" | ").append(bytes(report, AllocSuite.SERVER_CASE, system))
                .append(" | ").append(bytes(report, AllocSuite.OTHER_CASE, system))
                .append(" | ").append(bytes(report, AllocSuite.TOTAL_CASE, system)).append(jmhError(jmh, system))
                .append(" | ").append(report.value(AllocSuite.CALL_CASE, system, Record.OPS_PER_S)
                    .map(MarkdownReportWriter::rate).orElse(NONE))
                .append(" |\n");
        }
        md.append('\n');
        md.append(verdict(report)).append("\n\n");

        md.append("Client: the calling thread, plus the TCP client's event loop (`rpcool-tcp-client-*`) for the ")
            .append("fallback. Server: the channel's handler thread (`rpcool-handler-<channel>-<n>`) over shared memory, ")
            .append("the TCP listener's event loops (`rpcool-tcp-handler-*`) for the fallback. Other threads: every ")
            .append("other thread of the process over the same window. They allocate at their own pace whatever the ")
            .append("calls do, so their bytes per call are their rate divided by the call rate, and JMH's all-thread ")
            .append("figure includes them.\n");
        final List<String> background = background(probes);
        if (!background.isEmpty())
        {
            md.append("\nOther threads that allocated during the window:\n\n");
            for (final String line : background)
            {
                md.append("- ").append(line).append('\n');
            }
        }
        md.append("\n> ").append(header.note()).append('\n');
        if (!failures.isEmpty())
        {
            md.append("\nFailed:\n\n");
            for (final String failure : failures)
            {
                md.append("- ").append(failure.replace('\n', ' ')).append('\n');
            }
        }
        return md.toString();
    }

    /**
     * @param bytesPerOp  bytes per call.
     * @return e.g. {@code 0}, {@code 0.004}, {@code 2.27}, {@code 142}.
     */
    public static String bytes(final double bytesPerOp)
    {
        if (bytesPerOp == 0)
        {
            return "0";
        }
        if (Math.abs(bytesPerOp) < 1)
        {
            return String.format(Locale.ROOT, "%.3f", bytesPerOp);
        }
        if (Math.abs(bytesPerOp) < 100)
        {
            return String.format(Locale.ROOT, "%.2f", bytesPerOp);
        }
        return String.format(Locale.ROOT, "%.0f", bytesPerOp);
    }

    private static String bytes(final BenchReport report, final String caseName, final String system)
    {
        return report.value(caseName, system, Record.ALLOC_BYTES_PER_OP).map(AllocMarkdownWriter::bytes).orElse(NONE);
    }

    private static String jmhError(final JmhResult jmh, final String system)
    {
        if (jmh == null)
        {
            return "";
        }
        for (final JmhResult.Entry entry : jmh.entries())
        {
            if (entry.system().equals(system) && entry.allocBytesPerOpError() != null)
            {
                return " ± " + bytes(entry.allocBytesPerOpError());
            }
        }
        return "";
    }

    private static String verdict(final BenchReport report)
    {
        final String system = NoopCallFixture.Kind.SHM.systemName();
        final Optional<Double> client = report.value(AllocSuite.CLIENT_CASE, system, Record.ALLOC_BYTES_PER_OP);
        final Optional<Double> server = report.value(AllocSuite.SERVER_CASE, system, Record.ALLOC_BYTES_PER_OP);
        if (client.isEmpty() || server.isEmpty())
        {
            return "No per-thread figures for `" + system + "` in this run.";
        }
        final double bound = AllocSuite.ALLOCATION_FREE_BYTES_PER_OP;
        if (client.get() < bound && server.get() < bound)
        {
            return "**The shared-memory call path is allocation-free:** client " + bytes(client.get()) + " and server " +
                bytes(server.get()) + " B/call (bound: below " + bytes(bound) + " B/call).";
        }
        return "**The shared-memory call path allocates:** client " + bytes(client.get()) + " and server " +
            bytes(server.get()) + " B/call (bound: below " + bytes(bound) + " B/call).";
    }

    private static List<String> background(final List<AllocationProbe.Result> probes)
    {
        final List<String> lines = new ArrayList<>();
        final List<String> seen = new ArrayList<>();
        for (final AllocationProbe.Result probe : probes)
        {
            if (seen.contains(probe.system()) || probe.windowNs() <= 0)
            {
                continue;
            }
            seen.add(probe.system());
            final List<String> threads = new ArrayList<>();
            for (final Map.Entry<String, Long> thread : probe.otherThreads().entrySet())
            {
                threads.add(String.format(Locale.ROOT, "`%s` %.1f kB/s", thread.getKey(),
                    thread.getValue() / 1e3 / (probe.windowNs() / 1e9)));
            }
            if (!threads.isEmpty())
            {
                lines.add(String.format(Locale.ROOT, "`%s` (first run, %,.0f calls/s): %s", probe.system(),
                    probe.calls() / (probe.windowNs() / 1e9), String.join(", ", threads)));
            }
        }
        return lines;
    }
}
