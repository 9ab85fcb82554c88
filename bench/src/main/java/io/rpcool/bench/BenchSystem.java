package io.rpcool.bench;

import io.rpcool.bench.suite.NoopSuite;

import java.util.List;
import java.util.Set;

/**
 * A system under test: a server main class and a client main class, each started by the harness in
 * its own fresh JVM with the bench module's runtime classpath.
 * <p>
 * Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.rpcool.bench.BenchSystem}. The mains follow the fork protocol
 * described in {@link io.rpcool.bench.fork.ForkProtocol}; {@link io.rpcool.bench.fork.ServerSupport}
 * and {@link io.rpcool.bench.fork.ClientSupport} implement it, so a typical system only writes how
 * to serve and how to make one call.
 */
public interface BenchSystem
{
    /**
     * @return unique name used on the command line and in result files, e.g. {@code raw-shm-pingpong}.
     */
    String name();

    /**
     * @return class whose {@code main(String[])} serves; it receives a scratch directory as its only
     * argument and prints {@code READY <endpoint>} on stdout once clients may connect.
     */
    Class<?> serverMain();

    /**
     * @return class whose {@code main(String[])} measures; it receives the endpoint followed by
     * {@code key=value} client options and prints one {@code RESULT <json>} line on stdout.
     */
    Class<?> clientMain();

    /**
     * @return extra JVM arguments for both the server and the client JVM, added after the harness's
     * common flags.
     */
    default List<String> jvmArgs()
    {
        return List.of();
    }

    /**
     * @return how many client threads, each with its own connection, the server can serve at once;
     * 1 means the multi-client throughput case is skipped for this system.
     */
    default int maxClientThreads()
    {
        return 1;
    }

    /**
     * @return names of the suites whose operations the client main implements.
     */
    default Set<String> suites()
    {
        return Set.of(NoopSuite.NAME);
    }
}
