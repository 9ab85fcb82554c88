package io.rpcool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.knowm.xchart.CategoryChart;

import io.rpcool.bench.ops.IncludedRecords;
import io.rpcool.bench.ops.OpsMarkdownWriter;
import io.rpcool.harness.report.Charts;
import io.rpcool.harness.report.Record;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes {@code <suite>.md} and {@code <suite>.png} beside the records another harness wrote as
 * {@code <suite>.json} ({@link io.rpcool.bench.seal.SealBench}, {@link io.rpcool.bench.sandbox.SandboxBench}):
 * {@code ./rpcool bench seal} and {@code ./rpcool bench sandbox} run the harness, then this.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Markdown table and PNG chart for the records JSON of the seal or sandbox benchmark.")
final class RenderCommand implements Callable<Integer>
{
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "<suite>.json written by the harness.")
    Path in;

    @Option(names = "--suite", required = true, paramLabel = "NAME", description = "Suite name (seal, sandbox).")
    String suite;

    @Override
    public Integer call() throws IOException
    {
        final IncludedRecords records;
        try
        {
            records = IncludedRecords.read(in);
        }
        catch (final IllegalArgumentException | IOException e)
        {
            System.err.println("render: " + e.getMessage());
            return SuiteCommand.EXIT_USAGE;
        }
        final Path dir = in.toAbsolutePath().getParent();
        final String md = "# `" + suite + "` suite\n\n" + OpsMarkdownWriter.recordsTable(records) +
            "> Absolute numbers on a shared 2-core VM are noisy; compare figures measured in the same run.\n";
        Files.writeString(dir.resolve(suite + ".md"), md, StandardCharsets.UTF_8);
        chart(records, dir.resolve(suite + ".png"));
        System.out.println("wrote " + dir.resolve(suite + ".{md,png}"));
        return SuiteCommand.EXIT_OK;
    }

    /** One bar per case and system: its p50, or its mean where it has no p50, in nanoseconds. */
    static void chart(final IncludedRecords records, final Path file) throws IOException
    {
        final CategoryChart chart = Charts.barChart(
            records.source().replace("**", "").replace("`", ""), "case / system", "ns (log scale)", true);
        final Set<String> seen = new LinkedHashSet<>();
        final List<String> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (final Record r : records.records())
        {
            if (Record.NS.equals(r.unit()) && r.value() > 0 && (Record.P50.equals(r.metric()) || "mean".equals(r.metric())) &&
                seen.add(r.caseName() + " / " + r.system()))
            {
                x.add(r.caseName() + " / " + r.system());
                y.add(r.value());
            }
        }
        if (!x.isEmpty())
        {
            chart.addSeries("p50 or mean", x, y);
            Charts.fitLogAxis(chart);
        }
        Charts.writeSideBySide(List.of(chart), file);
    }
}
