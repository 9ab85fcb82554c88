package io.rpcool.bench.ycsb.mongo;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import io.rpcool.bench.fork.ForkProtocol;
import io.rpcool.bench.ycsb.YcsbStore;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * MongoDB under YCSB: mongo-java-server with its in-memory backend (MongoDB itself is not installable
 * here) in a server JVM of its own ({@link MongoServerMain}), driven by the MongoDB Java driver through
 * {@link MongoDbBinding}. Systems: {@code rpcool-shm} (RPCool's Netty channels; the daemon runs in the
 * server JVM), {@code uds}, {@code tcp}.
 */
public final class MongoYcsbStore implements YcsbStore
{
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long STOP_GRACE_MS = 5_000;

    private final List<String> serverFlags;
    private ChildJvm server;

    /** A store whose server JVMs get a 1 GiB heap (100,000 records of 1 KB fit with room). */
    public MongoYcsbStore()
    {
        this(List.of("-Xmx1g"));
    }

    /** @param serverFlags JVM flags of the server JVMs. */
    public MongoYcsbStore(final List<String> serverFlags)
    {
        this.serverFlags = List.copyOf(serverFlags);
    }

    @Override
    public String name()
    {
        return "mongodb";
    }

    @Override
    public List<String> workloads()
    {
        return List.of("a", "b", "c", "d", "e", "f");
    }

    @Override
    public List<String> systems()
    {
        return MongoWireServer.SYSTEMS;
    }

    @Override
    public Properties start(final String system, final Path workDir)
    {
        if (!MongoWireServer.SYSTEMS.contains(system))
        {
            throw new IllegalArgumentException("mongodb is not served over " + system + "; systems: " + MongoWireServer.SYSTEMS);
        }
        close();
        server = ChildJvm.builder(MongoServerMain.class).name("mongo-server-" + system).jvmFlags(serverFlags)
            .args(workDir.resolve("mongo-" + system).toAbsolutePath().toString(), system).start();
        final String endpoint = server.awaitLine(ForkProtocol.READY_PREFIX.trim(), START_TIMEOUT_MS)
            .substring(ForkProtocol.READY_PREFIX.length()).trim();
        final Properties props = new Properties();
        props.setProperty(MongoDbBinding.SYSTEM, system);
        props.setProperty(MongoDbBinding.ENDPOINT, endpoint);
        return props;
    }

    /** The server JVM started last (null before {@link #start} and after {@link #close}), for tests that kill it. */
    public ChildJvm server()
    {
        return server;
    }

    @Override
    public String dbClassName()
    {
        return MongoDbBinding.class.getName();
    }

    @Override
    public void close()
    {
        final ChildJvm s = server;
        server = null;
        if (s != null)
        {
            try
            {
                s.stop(STOP_GRACE_MS, STOP_GRACE_MS);
            }
            finally
            {
                s.close();
            }
        }
    }
}
