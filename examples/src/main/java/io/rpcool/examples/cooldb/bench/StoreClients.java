package io.rpcool.examples.cooldb.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rpcool.Rpcool;
import io.rpcool.idle.IdleLevels;
import io.rpcool.examples.cooldb.grpc.GrpcCoolDbClient;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.shm.CoolDbClient;
import io.rpcool.examples.cooldb.shm.CoolDbServer;
import io.rpcool.examples.cooldb.shm.SharedResultSet;

/**
 * The two systems of the {@code cooldb} benchmark as {@link StoreClient}s.
 */
public final class StoreClients
{
    /** CoolDB over RPCool: documents built in shared memory, pointers passed. */
    public static final String RPCOOL_SHM = "rpcool-shm";
    /** The same store behind gRPC-java with Protobuf messages, results by value. */
    public static final String GRPC_PROTOBUF = "grpc-protobuf";
    public static final List<String> SYSTEMS = List.of(RPCOOL_SHM, GRPC_PROTOBUF);

    private StoreClients()
    {
    }

    /**
     * @param system   {@link #RPCOOL_SHM} or {@link #GRPC_PROTOBUF}.
     * @param endpoint the channel name or the gRPC endpoint its server printed.
     * @return a connected client.
     */
    public static StoreClient connect(final String system, final String endpoint)
    {
        switch (system)
        {
            case RPCOOL_SHM:
                return new Shm(endpoint);
            case GRPC_PROTOBUF:
                return new Grpc(endpoint);
            default:
                throw new IllegalArgumentException("unknown system " + system + "; one of " + SYSTEMS);
        }
    }

    /**
     * @param rpc     an instance this client may close with itself, or null to launch one.
     * @param channel the store's channel.
     * @return an {@link #RPCOOL_SHM} client.
     */
    public static StoreClient shm(final Rpcool rpc, final String channel)
    {
        return new Shm(rpc != null ? rpc : Rpcool.launch(), channel);
    }

    static final class Shm implements StoreClient
    {
        private static final long MODE_SAMPLE_MS = 5;

        private final Rpcool rpc;
        private final CoolDbClient db;
        private final long[] modeSamples = new long[IdleLevels.HAND_OFF + 1];
        private final Thread modeSampler;
        private volatile boolean closed;

        Shm(final String channel)
        {
            this(Rpcool.launch(), channel);
        }

        Shm(final Rpcool rpc, final String channel)
        {
            this.rpc = rpc;
            try
            {
                db = CoolDbClient.connect(rpc, channel);
            }
            catch (final RuntimeException e)
            {
                rpc.close();
                throw e;
            }
            modeSampler = new Thread(this::sampleModes, "cooldb-waiting-modes");
            modeSampler.setDaemon(true);
            modeSampler.start();
        }

        /** The daemon moves every process between spin, sleep and hand-off by host load; count where we are. */
        private void sampleModes()
        {
            while (!closed)
            {
                final int level = rpc.idleLevel();
                synchronized (modeSamples)
                {
                    modeSamples[Math.max(0, Math.min(IdleLevels.HAND_OFF, level))]++;
                }
                try
                {
                    Thread.sleep(MODE_SAMPLE_MS);
                }
                catch (final InterruptedException e)
                {
                    return;
                }
            }
        }

        @Override
        public Map<String, Double> waitingModes()
        {
            final Map<String, Double> shares = new LinkedHashMap<>();
            synchronized (modeSamples)
            {
                final long total = Math.max(1, modeSamples[0] + modeSamples[1] + modeSamples[2]);
                for (int level = IdleLevels.SPIN; level <= IdleLevels.HAND_OFF; level++)
                {
                    shares.put(IdleLevels.name(level), 100.0 * modeSamples[level] / total);
                }
            }
            return shares;
        }

        @Override
        public void prepare()
        {
            if (Boolean.parseBoolean(System.getProperty(CoolDbServer.PRE_TOUCH_PROPERTY, "true")))
            {
                db.preTouch();
            }
        }

        @Override
        public void insert(final long key, final NoBenchObject object)
        {
            db.insert(key, object);
        }

        @Override
        public int bulkInsert(final long[] keys, final List<NoBenchObject> objects)
        {
            return db.bulkInsert(keys, objects);
        }

        @Override
        public long[] query(final NoBenchQuery query)
        {
            final SharedResultSet result = db.query(query);
            return new long[] {result.rows(), result.digest()};
        }

        @Override
        public List<List<Object>> queryJava(final NoBenchQuery query)
        {
            return db.query(query).toJava();
        }

        @Override
        public Object get(final long key)
        {
            return db.getJava(key);
        }

        @Override
        public void close()
        {
            closed = true;
            modeSampler.interrupt();
            try
            {
                db.close();
            }
            finally
            {
                rpc.close();
            }
        }
    }

    static final class Grpc implements StoreClient
    {
        private final GrpcCoolDbClient db;

        Grpc(final String endpoint)
        {
            db = GrpcCoolDbClient.connect(endpoint);
        }

        @Override
        public void insert(final long key, final NoBenchObject object)
        {
            db.insert(key, object);
        }

        @Override
        public int bulkInsert(final long[] keys, final List<NoBenchObject> objects)
        {
            return db.bulkInsert(keys, objects);
        }

        @Override
        public long[] query(final NoBenchQuery query)
        {
            final GrpcCoolDbClient.Result result = db.query(query);
            return new long[] {result.rows(), result.digest()};
        }

        @Override
        public List<List<Object>> queryJava(final NoBenchQuery query)
        {
            return db.query(query).toJava();
        }

        @Override
        public Object get(final long key)
        {
            return db.getJava(key);
        }

        @Override
        public void close()
        {
            db.close();
        }
    }
}
