package io.rpcool.bench.ycsb.memcached;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.rpcool.bench.ycsb.YcsbStore;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * Memcached under YCSB: the Java server ({@link MemcachedServerMain}, one event loop thread) in its
 * own JVM over {@code rpcool-shm}, {@code uds} or {@code tcp}, and, as the reference point,
 * Debian's memcached (written in C; one worker thread) over its Unix socket, system
 * {@code memcached-c-uds}. The binding is {@link MemcachedYcsbDb}. Memcached has no scans: no workload E.
 */
public final class MemcachedYcsbStore implements YcsbStore
{
    /** Debian's memcached over its Unix socket. */
    public static final String C_UDS = "memcached-c-uds";
    /** Channel name of the server over RPCool. */
    static final String CHANNEL = "/ycsb/memcached";
    private static final long START_TIMEOUT_MS = 60_000;
    private static final String SERVER_HEAP = "-Xmx1g";

    private ChildJvm server;
    private Process memcached;

    @Override
    public String name()
    {
        return "memcached";
    }

    @Override
    public List<String> workloads()
    {
        return List.of("a", "b", "c", "d", "f");
    }

    @Override
    public List<String> systems()
    {
        return List.of("rpcool-shm", "uds", "tcp", C_UDS);
    }

    @Override
    public Properties start(final String system, final Path workDir) throws Exception
    {
        close();
        Files.createDirectories(workDir);
        final Properties p = new Properties();
        if (C_UDS.equals(system))
        {
            final Path socket = workDir.resolve("memcached-c.sock");
            startMemcached(socket, workDir.resolve("memcached-c.log"));
            p.setProperty(MemcachedYcsbDb.TRANSPORT, MemcachedTransport.UDS.systemName());
            p.setProperty(MemcachedYcsbDb.ENDPOINT, socket.toString());
            return p;
        }
        final MemcachedTransport transport = MemcachedTransport.of(system);
        final String endpoint;
        switch (transport)
        {
            case RPCOOL_SHM:
                endpoint = CHANNEL;
                p.setProperty(MemcachedYcsbDb.RPCOOL_DIR, workDir.resolve(MemcachedServerMain.RPCOOL_DIR).toString());
                break;
            case UDS:
                endpoint = workDir.resolve("memcached.sock").toString();
                break;
            default:
                endpoint = "127.0.0.1:" + freePort();
        }
        server = ChildJvm.builder(MemcachedServerMain.class).name("memcached-server-" + system)
            .jvmFlags(SERVER_HEAP)
            .stderrTo(workDir.resolve("server.stderr"))
            .stdoutCopy(workDir.resolve("server.stdout"))
            .args(transport.systemName(), endpoint, workDir.toString())
            .start();
        server.awaitLine("READY", START_TIMEOUT_MS);
        p.setProperty(MemcachedYcsbDb.TRANSPORT, transport.systemName());
        p.setProperty(MemcachedYcsbDb.ENDPOINT, endpoint);
        return p;
    }

    @Override
    public String dbClassName()
    {
        return MemcachedYcsbDb.class.getName();
    }

    @Override
    public void close()
    {
        if (server != null)
        {
            server.stop(5_000, 5_000);
            server = null;
        }
        if (memcached != null)
        {
            memcached.destroyForcibly();
            try
            {
                memcached.waitFor(ChildJvm.KILL_WAIT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            memcached = null;
        }
    }

    /** @return the pid of the server process running now (the JVM or memcached), or -1. */
    public long serverPid()
    {
        return server != null ? server.pid() : memcached != null ? memcached.pid() : -1;
    }

    private void startMemcached(final Path socket, final Path log) throws IOException, InterruptedException
    {
        final String binary = MemcachedInstall.ensure();
        Files.deleteIfExists(socket);
        final List<String> command = new java.util.ArrayList<>(List.of(binary, "-s", socket.toString(), "-a", "0700",
            "-m", "1024", "-t", "1", "-c", "1024"));
        if ("root".equals(System.getProperty("user.name")))
        {
            command.add("-u");
            command.add("root");
        }
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        memcached = process;
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "memcached-c-killer"));
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true)
        {
            if (!process.isAlive())
            {
                throw new IOException("memcached exited with " + process.exitValue() + " before accepting on " + socket +
                    ": " + Files.readString(log).trim());
            }
            if (Files.exists(socket))
            {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX))
                {
                    probe.connect(UnixDomainSocketAddress.of(socket));
                    return;
                }
                catch (final IOException notYet)
                {
                    // not accepting yet
                }
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IOException("memcached did not accept on " + socket + " within " + START_TIMEOUT_MS + " ms");
            }
            Thread.sleep(10);
        }
    }

    private static int freePort() throws IOException
    {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }
}
