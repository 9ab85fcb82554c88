package io.rpcool.orchestrator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestServerMain;
import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.PoolHeap;
import io.rpcool.daemon.Daemon;
import io.rpcool.daemon.DaemonConfig;

/**
 * One guest of {@code ./rpcool cxl-test}: two qemu guests, each its own kernel, share one pool
 * device (an ivshmem BAR backed by one host file) and a network link. Guest {@code a} runs
 * ZooKeeper, the orchestrator and a daemon, and a server JVM it kills with kill -9; guest {@code b}
 * runs a daemon and a client. They step through the test by nodes under {@code /cxltest}. At the
 * end guest b, still mapping its connection heap, asks the harness to kill its whole guest
 * ({@code CXL-KILL-ME}); guest a then waits until guest b's session expired and every range is back.
 * Prints {@code PASS name} / {@code FAIL name: why}.
 *
 * <p>args: a|b, the device (the BAR's resource2 file), a scratch directory, ZooKeeper's host (b), java, class path
 */
public final class CxlGuestMain
{
    private static final long STEP_MS = 480_000;
    private static final String ROOT = "/cxltest";
    private static final long LEASE_MS = 20_000;

    private CxlGuestMain()
    {
    }

    public static void main(final String[] args)
    {
        int status = 0;
        try
        {
            run(args);
        }
        catch (final Exception e)
        {
            say("FAIL guest_" + args[0] + "_steps: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);   // ZooKeeper's server threads would keep the JVM alive
    }

    private static void run(final String[] args) throws Exception
    {
        final Path device = Path.of(args[1]);
        final Path scratch = Files.createDirectories(Path.of(args[2]));
        final boolean a = args[0].equals("a");
        final String zkHost = a ? "127.0.0.1" : args[3];
        EmbeddedZooKeeper zk = null;
        Orchestrator orchestrator = null;
        if (a)
        {
            zk = new EmbeddedZooKeeper("0.0.0.0", 2181, scratch.resolve("zk"), 200, 60_000);
            orchestrator = new Orchestrator("127.0.0.1:2181", "/rpcool", "orchestrator-a", scratch.resolve("pool"), 1000, 20_000,
                device, 0);
            say("PASS device_claimed: " + device + " " + PoolDevice.sizeOf(device) + " bytes");
        }
        final DaemonConfig config = new DaemonConfig().directory(scratch.resolve("daemon")).hostId(a ? "hostA" : "hostB")
            .orchestrator("zk:" + zkHost + ":2181").poolDirectory(scratch.resolve("pool")).poolDevice(device)
            .leaseTimeoutMs(LEASE_MS).quotaBytes(1L << 30).sealBackend("mprotect");
        try (Daemon daemon = Daemon.start(config);
            CuratorFramework steps = CuratorFrameworkFactory.newClient(zkHost + ":2181", 60_000, 30_000, new RetryNTimes(20, 500)))
        {
            steps.start();
            say("guest-java: daemon of " + config.hostId() + " joined the cluster");
            if (a)
            {
                runA(steps, orchestrator, device, scratch, args[4], args[5]);
                orchestrator.close();
                zk.close();
            }
            else
            {
                runB(steps, daemon, scratch);
            }
        }
    }

    private static void runA(final CuratorFramework steps, final Orchestrator orchestrator, final Path device, final Path scratch,
        final String java, final String classPath) throws Exception
    {
        steps.create().creatingParentsIfNeeded().forPath(ROOT, new byte[0]);
        final Process server = new ProcessBuilder(java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED", "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath,
            TestServerMain.class.getName(), scratch.resolve("daemon").toString(), "/cxl", "pool-1").inheritIO().start();
        await(steps, "b-called");
        server.destroyForcibly();   // SIGKILL
        server.waitFor(60, TimeUnit.SECONDS);
        check("server_killed_with_sigkill", !server.isAlive() && server.exitValue() == 137, "exit " + server.exitValue());
        await(steps, "b-saw-failure");
        sweep(device, scratch, orchestrator);
        steps.create().forPath(ROOT + "/a-swept", new byte[0]);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (orchestrator.heapCount() > 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(200);
        }
        final String report = orchestrator.describe();
        check("ranges_return_to_the_pool_after_guest_b_is_lost", orchestrator.heapCount() == 0 &&
            report.contains(": 0 bytes used, ") && !report.contains("hostB"), report);
        System.out.print(report.replaceAll("(?m)^", "guest-java: "));
    }

    /**
     * While guest b still maps the connection heap of the killed server, take every range that is
     * free: none may overlap a range b holds.
     */
    private static void sweep(final Path device, final Path scratch, final Orchestrator orchestrator) throws Exception
    {
        final List<long[]> held = new ArrayList<>();
        for (final long[] h : orchestrator.heaps())
        {
            if (h[2] > 0)
            {
                held.add(h);
            }
        }
        final List<PoolHeap> taken = new ArrayList<>();
        final StringBuilder why = new StringBuilder();
        try (ZkControlPlane other = new ZkControlPlane("127.0.0.1:2181", "/rpcool",
            new ClusterSettings("hostA-sweep", scratch.resolve("pool"), LEASE_MS, 0x5000_0000_0000L, 0x6000_0000_0000L, 0, device), null))
        {
            other.start(ControlPlane.Listener.IGNORE);
            while (true)
            {
                try
                {
                    taken.add(other.createHeap(2L * 1024 * 1024, 1, "sweep"));
                }
                catch (final ControlPlaneException e)
                {
                    break;
                }
            }
            for (final PoolHeap t : taken)
            {
                for (final long[] h : held)
                {
                    if (t.address() < h[0] + h[1] && h[0] < t.address() + t.length())
                    {
                        why.append(String.format("0x%x overlaps held 0x%x; ", t.address(), h[0]));
                    }
                }
                io.rpcool.nativeio.SharedMemory.close(t.fd());
                other.releaseLease(t.address(), 1);
            }
        }
        final String report = orchestrator.describe();
        check("range_never_handed_out_twice_while_mapped", !held.isEmpty() && !taken.isEmpty() && why.length() == 0,
            held.size() + " heaps held by guest b, " + taken.size() + " ranges taken meanwhile; " + why + report);
    }

    private static void runB(final CuratorFramework steps, final Daemon daemon, final Path scratch) throws Exception
    {
        final RpcoolContext ctx = new RpcoolContext().directory(scratch.resolve("daemon")).domain("pool-1")
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).idleMode(RpcoolContext.IdleMode.SLEEP).callTimeoutMs(120_000);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final Connection conn = connect(rpc);
            final AtomicReference<String> failure = new AtomicReference<>();
            conn.peerFailureListener((ch, message) -> failure.set(message));
            int ok = 0;
            try (ClientCall c = conn.newCall(TestServerMain.ECHO))
            {
                for (int i = 0; i < 20; i++)
                {
                    c.request().putLong(0, i * 31L + 7);
                    c.invoke(8);
                    ok += c.reply().getLong(0) == i * 31L + 7 ? 1 : 0;
                }
            }
            check("calls_across_kernels", ok == 20, ok + " of 20 echoed");
            try (ClientCall c = conn.newCall(TestServerMain.GREETING))
            {
                c.invoke(0);
                final long text = c.reply().getLong(0);
                final String read = io.rpcool.mem.SharedString.read(conn.heap().regions(), text);
                say(String.format("GREETING 0x%x %s", text, read));
                check("string_allocated_by_guest_a_read_in_place", "Hello from the server!".equals(read), read);
            }
            try (ClientCall c = conn.newCall(TestServerMain.TOTAL))
            {
                final long order = conn.copyFrom(new TestServerMain.Order("o-1",
                    List.of(new TestServerMain.Line("tea", 3, 250), new TestServerMain.Line("cake", 2, 400)), java.util.Map.of("k", "v")));
                c.request().putLong(0, order);
                c.invoke(8);
                check("object_graph_of_guest_b_read_in_place_by_guest_a", c.reply().getLong(0) == 1550 && c.reply().getLong(8) == order,
                    String.format("total %d at 0x%x, built at 0x%x", c.reply().getLong(0), c.reply().getLong(8), order));
            }
            final String stat = daemon.statReport();
            check("heaps_are_ranges_of_the_device", stat.contains("pool device range [0x"), stat);
            steps.create().forPath(ROOT + "/b-called", new byte[0]);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_MS);
            while (failure.get() == null && System.nanoTime() < deadline)
            {
                Thread.sleep(100);
            }
            check("server_failure_seen_by_guest_b", failure.get() != null, "no peer failure notice");
            steps.create().forPath(ROOT + "/b-saw-failure", new byte[0]);
            await(steps, "a-swept");
            // Still mapping the connection heap: the harness kills this whole guest (qemu, kill -9).
            say("CXL-KILL-ME");
            Thread.sleep(STEP_MS);
            conn.close();
        }
    }

    private static Connection connect(final Rpcool rpc) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_MS);
        while (true)
        {
            try
            {
                return rpc.connect("/cxl");
            }
            catch (final RuntimeException e)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static void await(final CuratorFramework steps, final String node) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_MS);
        while (steps.checkExists().forPath(ROOT + "/" + node) == null)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("step " + node + " never came");
            }
            Thread.sleep(200);
        }
    }

    private static void check(final String name, final boolean ok, final String detail)
    {
        say(ok ? "PASS " + name : "FAIL " + name + ": " + detail.replace('\n', '|'));
    }

    private static void say(final String line)
    {
        System.out.println(new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        System.out.flush();
    }
}
