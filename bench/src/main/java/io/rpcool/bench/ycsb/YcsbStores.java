package io.rpcool.bench.ycsb;

import java.util.List;
import java.util.function.Supplier;

import io.rpcool.bench.ycsb.memcached.MemcachedYcsbStore;
import io.rpcool.bench.ycsb.mongo.MongoYcsbStore;

/** The stores {@code ./rpcool bench ycsb} runs, by name. */
public final class YcsbStores
{
    /** Each store, made fresh for a run. */
    public static final List<Supplier<YcsbStore>> ALL = List.of(MemcachedYcsbStore::new, MongoYcsbStore::new);

    private YcsbStores()
    {
    }
}
