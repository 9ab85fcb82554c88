package io.rpcool.bench.ycsb.memcached;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for Memcached over {@link MemcachedClient}, on any {@link MemcachedTransport}. YCSB's
 * stock Memcached binding uses spymemcached, which has no way to change its channel; this one takes
 * the channel class, event loop group and address from the transport.
 *
 * <p>Properties: {@value #TRANSPORT} ({@code rpcool-shm}, {@code uds} or {@code tcp}), {@value #ENDPOINT}
 * (channel name, socket path or {@code host:port}), {@value #RPCOOL_DIR} (the daemon's directory, for
 * {@code rpcool-shm}), {@value #TIMEOUT_MS} (per call, default 10 s) and {@value #LOOP_THREADS} (event
 * loop threads shared by the JVM's client threads, default 1). Each YCSB thread has its own
 * connection; the JVM's threads share one event loop group (and one RPCool instance).
 *
 * <p>A record is stored as one item: its fields, each as a 2-byte name length, the name, a 4-byte
 * value length and the value. {@code update} replaces the item with the fields given, as the stock
 * binding does (the harness runs with {@code writeallfields=true}, so updates write whole records);
 * {@code scan} is not supported (no workload E).
 */
public final class MemcachedYcsbDb extends DB
{
    public static final String TRANSPORT = "memcached.transport";
    public static final String ENDPOINT = "memcached.endpoint";
    public static final String RPCOOL_DIR = "memcached.rpcoolDir";
    public static final String TIMEOUT_MS = "memcached.timeoutMs";
    public static final String LOOP_THREADS = "memcached.loopThreads";

    private static final Object LOCK = new Object();
    private static int users;
    private static Rpcool rpcool;
    private static EventLoopGroup group;

    private MemcachedClient client;

    @Override
    public void init() throws DBException
    {
        final Properties p = getProperties();
        try
        {
            final MemcachedTransport transport = MemcachedTransport.of(required(p, TRANSPORT));
            final EventLoopGroup loops = acquire(transport, p);
            client = MemcachedClient.connect(transport.clientChannel(), loops, transport.address(required(p, ENDPOINT)),
                Long.parseLong(p.getProperty(TIMEOUT_MS, "10000")));
        }
        catch (final IOException | RuntimeException e)
        {
            release();
            throw new DBException("memcached binding: " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup()
    {
        if (client != null)
        {
            client.close();
            client = null;
            release();
        }
    }

    @Override
    public Status read(final String table, final String key, final Set<String> fields, final Map<String, ByteIterator> result)
    {
        try
        {
            final byte[] record = client.get(key);
            if (record == null)
            {
                return Status.NOT_FOUND;
            }
            decode(record, fields, result);
            return Status.OK;
        }
        catch (final IOException | RuntimeException e)
        {
            return error(e);
        }
    }

    @Override
    public Status scan(final String table, final String startkey, final int recordcount, final Set<String> fields,
        final Vector<HashMap<String, ByteIterator>> result)
    {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(final String table, final String key, final Map<String, ByteIterator> values)
    {
        return write(BinaryMemcacheOpcodes.REPLACE, key, values);
    }

    @Override
    public Status insert(final String table, final String key, final Map<String, ByteIterator> values)
    {
        return write(BinaryMemcacheOpcodes.SET, key, values);
    }

    @Override
    public Status delete(final String table, final String key)
    {
        try
        {
            return client.delete(key) ? Status.OK : Status.NOT_FOUND;
        }
        catch (final IOException | RuntimeException e)
        {
            return error(e);
        }
    }

    private Status write(final byte opcode, final String key, final Map<String, ByteIterator> values)
    {
        try
        {
            final MemcachedClient.Response r = client.store(opcode, key, encode(values), 0, 0, 0);
            return r.ok() ? Status.OK : opcode == BinaryMemcacheOpcodes.REPLACE ? Status.NOT_FOUND : Status.ERROR;
        }
        catch (final IOException | RuntimeException e)
        {
            return error(e);
        }
    }

    private static Status error(final Exception e)
    {
        System.err.println("memcached binding: " + e.getMessage());
        return Status.ERROR;
    }

    /** @return the record's bytes: for each field, name length (2), name, value length (4), value. */
    static byte[] encode(final Map<String, ByteIterator> values)
    {
        final Map<byte[], byte[]> fields = new java.util.LinkedHashMap<>();
        int size = 0;
        for (final Map.Entry<String, ByteIterator> e : values.entrySet())
        {
            final byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            final byte[] value = e.getValue().toArray();
            fields.put(name, value);
            size += 6 + name.length + value.length;
        }
        final ByteBuffer out = ByteBuffer.allocate(size);
        for (final Map.Entry<byte[], byte[]> f : fields.entrySet())
        {
            out.putShort((short)f.getKey().length).put(f.getKey()).putInt(f.getValue().length).put(f.getValue());
        }
        return out.array();
    }

    /** Decode a record into {@code result}, keeping only {@code fields} unless that is null. */
    static void decode(final byte[] record, final Set<String> fields, final Map<String, ByteIterator> result)
    {
        final ByteBuffer in = ByteBuffer.wrap(record);
        while (in.hasRemaining())
        {
            final byte[] name = new byte[in.getShort() & 0xffff];
            in.get(name);
            final int length = in.getInt();
            final String field = new String(name, StandardCharsets.UTF_8);
            if (fields == null || fields.contains(field))
            {
                result.put(field, new ByteArrayByteIterator(record, in.position(), length));
            }
            in.position(in.position() + length);
        }
    }

    private static String required(final Properties p, final String name)
    {
        final String value = p.getProperty(name);
        if (value == null)
        {
            throw new IllegalArgumentException("property " + name + " is not set");
        }
        return value;
    }

    private static EventLoopGroup acquire(final MemcachedTransport transport, final Properties p)
    {
        synchronized (LOCK)
        {
            users++;
            if (group == null)
            {
                if (transport == MemcachedTransport.RPCOOL_SHM)
                {
                    rpcool = Rpcool.launch(new RpcoolContext().directory(Path.of(required(p, RPCOOL_DIR)))
                        .processName("ycsb-memcached").daemonMode(RpcoolContext.DaemonMode.EXTERNAL));
                }
                group = transport.newGroup(Integer.parseInt(p.getProperty(LOOP_THREADS, "1")), rpcool);
            }
            return group;
        }
    }

    private static void release()
    {
        synchronized (LOCK)
        {
            if (--users > 0)
            {
                return;
            }
            users = 0;
            if (group != null)
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
                group = null;
            }
            if (rpcool != null)
            {
                rpcool.close();
                rpcool = null;
            }
        }
    }
}
