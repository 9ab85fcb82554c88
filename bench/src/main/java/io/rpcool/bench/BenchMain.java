package io.rpcool.bench;

import io.rpcool.bench.suite.NoopSuite;
import io.rpcool.bench.suite.Suite;
import io.rpcool.bench.ycsb.YcsbCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Command line of the multi-process benchmarks: one subcommand per suite.
 * <pre>
 *   BenchMain noop [--quick] [--runs N] [--out-dir DIR] [--systems a,b] [--assert-faster A,B]
 *   BenchMain ops [--quick] [--runs N] [--out-dir DIR]
 *   BenchMain alloc [--quick] [--runs N] [--out-dir DIR] [--no-jmh]
 *   BenchMain ycsb [--quick] [--threads N] [--stores a,b] [--systems a,b] [--workloads a,b] [--out-dir DIR]
 *   BenchMain dsm [--quick] [--runs N] [--out-dir DIR] [--calls N] [--blocks N] [--warmup-max-ms MS]
 *   BenchMain render --suite seal|sandbox --in DIR/SUITE.json     (md and png of another harness's records)
 * </pre>
 * {@code noop} and any other {@link Suite} measure round trips of every registered system;
 * {@code ops} (operations of one system) and {@code alloc} (bytes per call, in-process) have shapes
 * of their own and commands of their own.
 * Exit codes: 0 success, 1 {@code --assert-faster} failed, 2 bad usage, 3 a system run failed (results
 * of the others are still written).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Multi-process RPC benchmarks: each system runs as a fresh server JVM and client JVM.")
public final class BenchMain implements Callable<Integer>
{
    /**
     * Suites offered as subcommands.
     */
    public static final List<Suite> SUITES = List.of(new NoopSuite());

    @Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * @param args  command line.
     * @return exit code.
     */
    public static int execute(final String... args)
    {
        return commandLine().execute(args);
    }

    static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new BenchMain());
        for (final Suite suite : SUITES)
        {
            final CommandLine sub = new CommandLine(new SuiteCommand(suite));
            sub.getCommandSpec().usageMessage().description(suite.description());
            commandLine.addSubcommand(suite.name(), sub);
        }
        commandLine.addSubcommand(new OpsCommand());
        commandLine.addSubcommand(new AllocCommand());
        commandLine.addSubcommand(new LeaseCommand());
        commandLine.addSubcommand(new YcsbCommand());
        commandLine.addSubcommand(new DsmCommand());
        commandLine.addSubcommand(new RenderCommand());
        return commandLine;
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(System.err);
        return SuiteCommand.EXIT_USAGE;
    }
}
