package io.rpcool.bench.ycsb.mongo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Runs YCSB workloads against mongo-java-server over several systems in one run and prints throughput,
 * p50 and p99 of each, then each system's throughput relative to the first. Every (workload, system)
 * pair gets a fresh server JVM; the YCSB client runs in this JVM.
 *
 * <pre>
 *   MongoYcsbMain [--workloads a,b] [--systems rpcool-shm,uds] [--records 10000] [--ops 20000]
 *                 [--warmup 5000] [--threads 1] [--rounds 1] [--work-dir DIR]
 * </pre>
 * Systems are those of {@link MongoYcsbStore} plus {@code tcp-netty} (the TCP server, with the driver's
 * Netty transport on NIO channels instead of its default socket stream). Rounds interleave the systems.
 * The server JVMs get this JVM's {@code rpcool.*} system properties and the flags in {@code -Dmongo.serverFlags}.
 */
public final class MongoYcsbMain
{
    private MongoYcsbMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = new HashMap<>(Map.of("workloads", "a", "systems", "rpcool-shm,uds", "records", "10000",
            "ops", "20000", "warmup", "5000", "threads", "1", "rounds", "1"));
        for (int i = 0; i < args.length; i += 2)
        {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !opts.containsKey(args[i].substring(2)) &&
                !"--work-dir".equals(args[i]))
            {
                throw new IllegalArgumentException("usage: MongoYcsbMain [--workloads a,b] [--systems rpcool-shm,uds] " +
                    "[--records N] [--ops N] [--warmup N] [--threads N] [--rounds N] [--work-dir DIR]; got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        final Path workDir = opts.containsKey("work-dir") ? Files.createDirectories(Path.of(opts.get("work-dir"))) :
            Files.createTempDirectory("mongo-ycsb-");
        final List<String> systems = List.of(opts.get("systems").split(","));
        final int rounds = Integer.parseInt(opts.get("rounds"));
        for (final String letter : opts.get("workloads").split(","))
        {
            final Map<String, List<YcsbRun.Result>> results = new HashMap<>();
            for (int round = 0; round < rounds; round++)
            {
                for (final String system : systems)
                {
                    final YcsbRun.Result r = runOnce(letter, system, opts, workDir);
                    results.computeIfAbsent(system, s -> new ArrayList<>()).add(r);
                    System.out.println("RESULT mongodb-" + letter + " " + system + " round " + round + ": " + r);
                }
            }
            final double base = medianThroughput(results.get(systems.get(0)));
            for (final String system : systems)
            {
                final double t = medianThroughput(results.get(system));
                System.out.println(String.format(Locale.ROOT, "SUMMARY mongodb-%s %-10s median throughput %.0f ops/s (%.2fx %s)",
                    letter, system, t, t / base, systems.get(0)));
            }
        }
    }

    private static YcsbRun.Result runOnce(final String letter, final String system, final Map<String, String> opts,
        final Path workDir) throws Exception
    {
        // The server JVM gets this JVM's rpcool.* settings (idle mode, ...) and any extra flags of mongo.serverFlags.
        final List<String> flags = new ArrayList<>(List.of("-Xmx1g"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("rpcool."))
            .forEach(k -> flags.add("-D" + k + "=" + System.getProperty(k)));
        final String extra = System.getProperty("mongo.serverFlags", "").trim();
        if (!extra.isEmpty())
        {
            flags.addAll(List.of(extra.split("\\s+")));
        }
        try (MongoYcsbStore store = new MongoYcsbStore(flags))
        {
            final boolean nettyTcp = "tcp-netty".equals(system);
            final Properties props = store.start(nettyTcp ? "tcp" : system, workDir);
            if (nettyTcp)
            {
                props.setProperty(MongoDbBinding.SYSTEM, system);
            }
            props.setProperty("recordcount", opts.get("records"));
            props.setProperty("operationcount", opts.get("ops"));
            props.setProperty(YcsbRun.WARMUP_OPS, opts.get("warmup"));
            props.setProperty("threadcount", opts.get("threads"));
            return YcsbRun.run(letter, props, store.dbClassName());
        }
    }

    private static double medianThroughput(final List<YcsbRun.Result> results)
    {
        final double[] t = results.stream().mapToDouble(YcsbRun.Result::throughput).sorted().toArray();
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
