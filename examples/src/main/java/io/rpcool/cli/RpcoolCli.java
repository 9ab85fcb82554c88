package io.rpcool.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.daemon.Daemon;
import io.rpcool.daemon.DaemonConfig;
import io.rpcool.examples.cooldb.bench.CoolDbBenchmark;
import io.rpcool.examples.cooldb.bench.StoreClients;
import io.rpcool.examples.pingpong.PingPongClient;
import io.rpcool.examples.pingpong.PingPongServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code rpcool} command line: run the daemon, show its state, run the demo and the CoolDB experiment.
 */
@Command(name = "rpcool", mixinStandardHelpOptions = true, version = "rpcool 0.1.0",
    description = "Shared-memory RPC for the JVM.",
    subcommands = {RpcoolCli.DaemonCommand.class, RpcoolCli.StatCommand.class, RpcoolCli.DemoCommand.class,
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

    @Command(name = "daemon", description = "Run the per-host daemon in the foreground until interrupted.")
    static final class DaemonCommand implements Callable<Integer>
    {
        @Option(names = "--dir", description = "Daemon directory (default: ${DEFAULT-VALUE}).")
        Path dir = DaemonConfig.defaultDirectory();

        @Option(names = "--quota", description = "Shared memory each process may map, in bytes (default: ${DEFAULT-VALUE}).")
        long quota = DaemonConfig.DEFAULT_QUOTA_BYTES;

        @Option(names = "--spin-below", description = "Spin while other load is below this fraction (default: ${DEFAULT-VALUE}).")
        double spinBelow = DaemonConfig.DEFAULT_SPIN_BELOW;

        @Option(names = "--sleep-below", description = "Sleep between polls below this fraction, hand off above (default: ${DEFAULT-VALUE}).")
        double sleepBelow = DaemonConfig.DEFAULT_SLEEP_BELOW;

        @Option(names = "--seal-backend", description = "Seal backend: auto (the kernel module when /dev/rpcool is usable, " +
            "else mprotect), kernel or mprotect (default: ${DEFAULT-VALUE}).")
        String sealBackend = io.rpcool.seal.SealBackends.configured();

        @Option(names = "--orchestrator", description = "Join a cluster that shares a memory pool: 'embedded[:port]' (run " +
            "ZooKeeper and an orchestrator in this daemon) or 'zk:host:port[,...]'; empty for a single host (default: '${DEFAULT-VALUE}').")
        String orchestrator = new DaemonConfig().orchestrator();

        @Option(names = "--host", description = "This host's name in the cluster (default: ${DEFAULT-VALUE}).")
        String host = new DaemonConfig().hostId();

        @Option(names = "--pool", description = "The cluster's shared memory pool, a directory every host sees (default: ${DEFAULT-VALUE}).")
        Path pool = new DaemonConfig().poolDirectory();

        @Option(names = "--lease-timeout-ms", description = "Processes (and, in a cluster, this host) that do not renew their lease " +
            "for this long are treated as dead; 0: process leases off (default: ${DEFAULT-VALUE}).")
        long leaseTimeoutMs = new DaemonConfig().leaseTimeoutMs();

        @Override
        public Integer call() throws Exception
        {
            final Daemon daemon = Daemon.start(new DaemonConfig().directory(dir).quotaBytes(quota).idleThresholds(spinBelow, sleepBelow)
                .sealBackend(sealBackend).orchestrator(orchestrator).hostId(host).poolDirectory(pool).leaseTimeoutMs(leaseTimeoutMs));
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close));
            System.out.println("rpcool daemon listening on " + daemon.socketPath() + " (quota " + quota + " bytes per process, " +
                "seal backend " + daemon.sealBackend() + (orchestrator.isEmpty() ? "" :
                ", host " + host + " of the cluster at " + orchestrator + ", pool " + pool) + ")");
            Thread.currentThread().join();
            return 0;
        }
    }

    @Command(name = "stat", description = "Show the daemon's channels, connections, heaps and quotas, and whether sandboxes have the MPK hardware layer here.")
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
        @Option(names = "--calls", description = "No-op calls to time (default: ${DEFAULT-VALUE}).")
        int calls = 200_000;

        @Override
        public Integer call() throws Exception
        {
            final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-demo-");
            final List<String> props = List.of("-Drpcool.dir=" + dir);
            System.out.println("starting server JVM (it embeds the daemon, directory " + dir + ")");
            final Process server = java(PingPongServer.class, props).start();
            try
            {
                final BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                final String ready = out.readLine();
                if (ready == null || !ready.startsWith("READY"))
                {
                    System.err.println("server did not start: " + ready);
                    return 1;
                }
                final String port = ready.split(" ")[1];
                final Thread serverOutput = new Thread(() ->
                {
                    try
                    {
                        String line;
                        while ((line = out.readLine()) != null)
                        {
                            System.out.println("[server JVM] " + line);
                        }
                    }
                    catch (final java.io.IOException e)
                    {
                        // server gone
                    }
                }, "demo-server-output");
                serverOutput.setDaemon(true);
                serverOutput.start();
                System.out.println("server ready; starting client JVM");
                final Process client = java(PingPongClient.class, props, port, String.valueOf(calls)).start();
                try (BufferedReader clientOut = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = clientOut.readLine()) != null)
                    {
                        System.out.println(line);
                    }
                }
                if (!client.waitFor(5, TimeUnit.MINUTES))
                {
                    client.destroyForcibly();
                    System.err.println("client did not finish within 5 minutes");
                    return 1;
                }
                server.getOutputStream().close();
                serverOutput.join(10_000);
                return client.exitValue();
            }
            finally
            {
                server.getOutputStream().close();
                if (!server.waitFor(10, TimeUnit.SECONDS))
                {
                    server.destroyForcibly();
                }
                Files.deleteIfExists(dir.resolve("daemon.lock"));
                Files.deleteIfExists(dir.resolve("daemon.sock"));
                Files.deleteIfExists(dir);
            }
        }

        private static ProcessBuilder java(final Class<?> main, final List<String> props, final String... args)
        {
            final List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--add-exports");
            cmd.add("java.base/jdk.internal.misc=ALL-UNNAMED");
            if (Runtime.version().feature() >= 24)
            {
                cmd.add("--sun-misc-unsafe-memory-access=allow");
            }
            cmd.add("-Xms256m");
            cmd.add("-Xmx256m");
            cmd.addAll(props);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(main.getName());
            cmd.addAll(List.of(args));
            return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
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
