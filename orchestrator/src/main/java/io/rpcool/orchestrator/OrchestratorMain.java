package io.rpcool.orchestrator;

import java.nio.file.Path;

/**
 * {@code ./rpcool orchestrator}: run an orchestrator (a standby when another one leads), or print
 * the cluster's state.
 *
 * <pre>
 *  --zk host:port[,host:port...]   the ZooKeeper ensemble that holds the cluster's state
 *  --embedded                      run a ZooKeeper server inside this process (no external service)
 *  --port N                        port of the embedded ZooKeeper (default 2181)
 *  --data DIR                      its data directory (default /dev/shm/rpcool-zk-PORT)
 *  --pool DIR                      the pool directory (default rpcool.pool.dir or /dev/shm/rpcool-pool)
 *  --device PATH                   the pool is this memory device, heaps are ranges of it (default rpcool.pool.device)
 *  --device-bytes N                bytes of the device the pool uses (default rpcool.pool.deviceBytes; 0: all)
 *  --id NAME                       this orchestrator's name (default orchestrator-PID)
 *  --reclaim-delay-ms N            how long a heap stays without lease before it is reclaimed (default 2000)
 *  --session-timeout-ms N          this orchestrator's session: a standby leads at most this long after it dies (default 10000)
 *  --root PATH                     root node of the cluster's state (default /rpcool)
 *  --stat                          print the cluster's state and exit
 * </pre>
 * Prints {@code LEADER} or {@code STANDBY} whenever its role changes.
 */
public final class OrchestratorMain
{
    private OrchestratorMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        String zk = null;
        boolean embedded = false;
        int port = ZkControlPlaneProvider.DEFAULT_PORT;
        String data = null;
        Path pool = Path.of(io.rpcool.config.Setting.POOL_DIR.string());
        String id = "orchestrator-" + ProcessHandle.current().pid();
        long reclaimDelayMs = 2000;
        long sessionTimeoutMs = 10_000;
        String root = "/rpcool";
        boolean stat = false;
        Path device = io.rpcool.control.ClusterSettings.configuredDevice();
        long deviceBytes = io.rpcool.config.Setting.POOL_DEVICE_BYTES.longValue();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--zk": zk = args[++i]; break;
                case "--embedded": embedded = true; break;
                case "--port": port = Integer.parseInt(args[++i]); break;
                case "--data": data = args[++i]; break;
                case "--pool": pool = Path.of(args[++i]); break;
                case "--id": id = args[++i]; break;
                case "--reclaim-delay-ms": reclaimDelayMs = Long.parseLong(args[++i]); break;
                case "--session-timeout-ms": sessionTimeoutMs = Long.parseLong(args[++i]); break;
                case "--root": root = args[++i]; break;
                case "--stat": stat = true; break;
                case "--device": device = Path.of(args[++i]); break;
                case "--device-bytes": deviceBytes = Long.parseLong(args[++i]); break;
                default:
                    System.err.println("rpcool orchestrator: unknown option " + args[i] +
                        " (options: --zk, --embedded, --port, --data, --pool, --id, --reclaim-delay-ms, --session-timeout-ms," +
                        " --root, --device, --device-bytes, --stat)");
                    System.exit(2);
            }
        }
        if (zk == null && !embedded)
        {
            System.err.println("rpcool orchestrator: say where the cluster's state lives: --zk host:port or --embedded");
            System.exit(2);
        }
        EmbeddedZooKeeper server = null;
        if (embedded)
        {
            // ZooKeeper's server threads are not daemons: any failure below must end the process.
            Thread.setDefaultUncaughtExceptionHandler((t, e) ->
            {
                System.err.println("rpcool orchestrator: " + e);
                System.exit(1);
            });
            server = new EmbeddedZooKeeper("0.0.0.0", port, Path.of(data != null ? data : "/dev/shm/rpcool-zk-" + port), 200,
                (int)Math.max(sessionTimeoutMs, 60_000));
            zk = "127.0.0.1:" + server.port();
        }
        if (stat)
        {
            try (ClusterInspector inspector = new ClusterInspector(zk, root, pool))
            {
                System.out.print(inspector.describe());
            }
            catch (final IllegalStateException e)
            {
                System.err.println("rpcool orchestrator: " + e.getMessage());
                System.exit(1);
            }
            if (server != null)
            {
                server.close();
            }
            return;
        }
        final Orchestrator orchestrator;
        try
        {
            orchestrator = new Orchestrator(zk, root, id, pool, reclaimDelayMs, sessionTimeoutMs, device, deviceBytes);
        }
        catch (final IllegalStateException e)
        {
            System.err.println("rpcool orchestrator: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("ORCHESTRATOR " + id + " zk " + zk + " pool " + (device != null ? "device " + device : pool) +
            " pid " + ProcessHandle.current().pid());
        System.out.flush();
        boolean leader = false;
        boolean first = true;
        while (true)
        {
            final boolean now = orchestrator.isLeader();
            if (first || now != leader)
            {
                System.out.println(now ? "LEADER" : "STANDBY");
                System.out.flush();
                leader = now;
                first = false;
            }
            Thread.sleep(50);
        }
    }
}
