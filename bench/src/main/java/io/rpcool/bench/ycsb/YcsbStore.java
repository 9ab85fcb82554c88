package io.rpcool.bench.ycsb;
/** One store under YCSB: how to start its server for one system, and the YCSB binding that drives it. */
public interface YcsbStore extends AutoCloseable {
    /** "memcached" or "mongodb": the prefix of the benchmark cases. */
    String name();
    /** The YCSB workload letters this store runs, such as "a", "b", "c", "d", "f". */
    java.util.List<String> workloads();
    /** The systems this store can be served over, such as "rpcool-shm", "uds", "tcp". */
    java.util.List<String> systems();
    /** Starts the server for system (in its own process) and returns the properties the binding needs to reach it. */
    java.util.Properties start(String system, java.nio.file.Path workDir) throws Exception;
    /** The class name of the site.ycsb.DB binding. */
    String dbClassName();
    /** Stops the server started last. */
    @Override void close();
}
