package io.rpcool.examples.cooldb.bench;

import java.util.List;
import java.util.Map;

import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;

/**
 * What the CoolDB workload does with a store, implemented by each system's client.
 */
public interface StoreClient extends AutoCloseable
{
    /**
     * Get ready before anything is timed (RPCool: fault in the channel's heap, as the JVMs pre-touch
     * theirs).
     */
    default void prepare()
    {
    }

    /** Store one object under a key. */
    void insert(long key, NoBenchObject object);

    /** Q12: store many objects with one call. */
    int bulkInsert(long[] keys, List<NoBenchObject> objects);

    /**
     * Run a query and read its whole result once.
     *
     * @return {@code {rows, digest}} of the result.
     */
    long[] query(NoBenchQuery query);

    /** Rows of a query's result as Java values (for checks, not timed). */
    List<List<Object>> queryJava(NoBenchQuery query);

    /** The document stored under a key, as Java values, or null. */
    Object get(long key);

    /**
     * @return for systems whose waiting adapts to the host's load, the share of the time since the
     * client connected spent in each waiting mode; empty otherwise.
     */
    default Map<String, Double> waitingModes()
    {
        return Map.of();
    }

    @Override
    void close();
}
