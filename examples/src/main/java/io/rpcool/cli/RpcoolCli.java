package io.rpcool.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.daemon.DaemonConfig;
import io.rpcool.examples.cooldb.bench.CoolDbBenchmark;
import io.rpcool.examples.cooldb.bench.StoreClients;
import io.rpcool.examples.pingpong.PingPongClient;
import io.rpcool.examples.pingpong.PingPongServer;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.harness.jvm.ChildJvmException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code rpcool} command line: show the daemon's state, run the demo and the CoolDB experiment. The daemon
 * itself is {@code io.rpcool.daemon.DaemonMain} in rpc-core, which {@code ./rpcool daemon} runs with the runtime
 * modules only.
 */
@Command(name = "rpcool", mixinStandardHelpOptions = true, version = "rpcool 0.1.0",
    description = "Shared-memory RPC for the JVM.",
    subcommands = {RpcoolCli.StatCommand.class, RpcoolCli.DemoCommand.class,
        RpcoolCli.CoolDbCommand.class})
public final class RpcoolCli implements Callable<Integer>
{
    @Override
    public Integer call()
    {
        CommandLine.usage(this, System.out);
        return 0;
    }

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new RpcoolCli()).execute(args));
    }

    @Command(name = "stat",
        description = "Show the daemon's channels, connections, heaps and quotas, and whether sandboxes have the MPK hardware layer here.")
    static final class StatCommand implements Callable<Integer>
    {
        @Option(names = "--dir", description = "Daemon directory (default: ${DEFAULT-VALUE}).")
        Path dir = DaemonConfig.defaultDirectory();

        @Override
        public Integer call()
        {
            try (Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(dir).processName("rpcool-stat")
                .daemonMode(RpcoolContext.DaemonMode.EXTERNAL)))
            {
                System.out.print(rpc.stat());
                return 0;
            }
            catch (final RuntimeException e)
            {
                System.err.println("rpcool stat: " + e.getMessage());
                return 1;
            }
            finally
            {
                // Client side: which layers protect sandboxes in a JVM like this one.
                System.out.println(io.rpcool.sandbox.Sandboxes.status());
            }
        }
    }

    @Command(name = "demo", description = "Start a server and a client as two JVMs talking over shared memory.")
    static final class DemoCommand implements Callable<Integer>
    {
        private static final long START_TIMEOUT_MS = 60_000;

        @Option(names = "--calls", description = "No-op calls to time (default: ${DEFAULT-VALUE}).")
        int calls = 200_000;

        @Override
        public Integer call() throws Exception
        {
            final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-demo-");
            System.out.println("starting server JVM (it embeds the daemon, directory " + dir + ")");
            final ChildJvm server = java(PingPongServer.class, dir)
                .onLine(line ->
                {
                    if (!line.startsWith("READY"))
                    {
                        System.out.println("[server JVM] " + line);
                    }
                })
                .start();
            try
            {
                final String ready;
                try
                {
                    ready = server.awaitLine("READY", START_TIMEOUT_MS);
                }
                catch (final ChildJvmException ex)
                {
                    System.err.println("server did not start: " + ex.getMessage());
                    return 1;
                }
                final String port = ready.split(" ")[1];
                System.out.println("server ready; starting client JVM");
                try (ChildJvm client = java(PingPongClient.class, dir).args(port, String.valueOf(calls))
                    .onLine(System.out::println).start())
                {
                    return client.awaitExit(TimeUnit.MINUTES.toMillis(5));
                }
                catch (final ChildJvmException ex)
                {
                    System.err.println("client did not finish within 5 minutes");
                    return 1;
                }
            }
            finally
            {
                server.stop(10_000, 2_000);
                Files.deleteIfExists(dir.resolve("daemon.lock"));
                Files.deleteIfExists(dir.resolve("daemon.sock"));
                Files.deleteIfExists(dir);
            }
        }

        private static ChildJvm.Builder java(final Class<?> main, final Path dir)
        {
            return ChildJvm.builder(main).jvmFlags("-Xms256m", "-Xmx256m").property("rpcool.dir", dir.toString());
        }
    }

    @Command(name = "cooldb", mixinStandardHelpOptions = true, description = {
        "The paper's CoolDB experiment: build a JSON document store with NoBench documents, then run search",
        "queries (Q1-Q11) and Q12, over RPCool shared memory and over gRPC-java + Protobuf in the same run;",
        "prints each phase's time and the speed-ups and writes <out-dir>/cooldb.{json,md,png}."})
    static final class CoolDbCommand implements Callable<Integer>
    {
        @Option(names = "--docs", description = "Documents in the build phase, N (default: ${DEFAULT-VALUE}).")
        long docs = 100_000;

        @Option(names = "--queries", description = "Search queries, drawn uniformly from Q1-Q11 (default: ${DEFAULT-VALUE}).")
        int queries = 1000;

        @Option(names = "--seed", description = "Seed of the data and the query mix (default: ${DEFAULT-VALUE}).")
        long seed = 42;

        @Option(names = "--runs", description = "Runs over both systems, order rotated; figures are medians (default: ${DEFAULT-VALUE}).")
        int runs = 1;

        @Option(names = "--out-dir", description = "Where cooldb.json, .md and .png go (default: ${DEFAULT-VALUE}).")
        Path outDir = Path.of("bench", "results");

        @Option(names = "--systems", split = ",", description = "Systems to run (default: rpcool-shm,grpc-protobuf).")
        List<String> systems = StoreClients.SYSTEMS;

        @Option(names = "--heap", description = "-Xms and -Xmx of every server and client JVM (default: ${DEFAULT-VALUE}).")
        String heap = "2g";

        @Option(names = "--probe-ms", description = "Placement probe before and after each system, 0 for none (default: ${DEFAULT-VALUE}).")
        long probeMs = 500;

        @Option(names = "--idle", description = "RPCool's waiting mode: adaptive (by host load, the default), spin, sleep or hand-off.")
        String idle = "adaptive";

        @Option(names = "--pre-touch", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Fault in the channel's shared heap before timing, as the JVMs pre-touch theirs; " +
                "--no-pre-touch to leave first touches in the build phase (default: true).")
        boolean preTouch = true;

        @Override
        public Integer call() throws Exception
        {
            if (docs < 2 || queries < 0 || runs < 1)
            {
                System.err.println("cooldb: need --docs >= 2, --queries >= 0, --runs >= 1");
                return 2;
            }
            for (final String system : systems)
            {
                if (!StoreClients.SYSTEMS.contains(system))
                {
                    System.err.println("cooldb: unknown system " + system + "; one of " + StoreClients.SYSTEMS);
                    return 2;
                }
            }
            if (!List.of("adaptive", "spin", "sleep", "hand-off").contains(idle))
            {
                System.err.println("cooldb: --idle is one of adaptive, spin, sleep, hand-off");
                return 2;
            }
            return new CoolDbBenchmark(new CoolDbBenchmark.Options(docs, queries, seed, runs, outDir, systems, heap,
                probeMs, idle, preTouch), System.out).run();
        }
    }
}
