package io.rpcool.bench.suite;

import io.rpcool.bench.fork.ClientOptions;

/**
 * A benchmark suite: which operation the client mains perform (they receive the suite name in
 * {@link ClientOptions#suite()}) and how long each phase runs. Its cases are
 * {@code <name>-rtt}, {@code <name>-throughput} and {@code <name>-throughput-multi}.
 * <p>
 * To add a suite, implement this interface, list it in {@code BenchMain.SUITES} (it becomes a
 * subcommand) and add its name to {@link io.rpcool.bench.BenchSystem#suites()} of the systems whose
 * client mains implement it.
 */
public interface Suite
{
    /**
     * @return subcommand and file name, e.g. {@code noop}.
     */
    String name();

    /**
     * @return one-line description for the usage message.
     */
    String description();

    /**
     * @param quick  whether a short smoke run was asked for.
     * @return phases for every client JVM.
     */
    ClientOptions clientOptions(boolean quick);

    /**
     * @param quick  whether a short smoke run was asked for.
     * @return runs over all systems when {@code --runs} is not given.
     */
    int defaultRuns(boolean quick);
}
