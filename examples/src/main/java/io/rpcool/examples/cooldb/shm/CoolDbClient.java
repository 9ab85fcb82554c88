package io.rpcool.examples.cooldb.shm;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.SharedHeap;
import io.rpcool.Transport;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedJson;
import io.rpcool.mem.SharedLongVector;
import org.agrona.MutableDirectBuffer;

/**
 * A CoolDB client over RPCool: builds documents in the channel's shared heap and passes pointers;
 * reads stored documents and query results in place. One call outstanding at a time; not thread-safe.
 *
 * <pre>{@code
 * try (Rpcool rpc = Rpcool.launch(); CoolDbClient db = CoolDbClient.connect(rpc, "/cooldb")) {
 *     db.insert(1, Map.of("str1", "GBRDA===", "num", 0L));
 *     SharedResultSet r = db.query(NoBenchQuery.q5("GBRDA==="));   // pointers into the stored documents
 *     Object doc = SharedJson.toJava(db.heap().regions(), r.cell(0, 0));
 * }
 * }</pre>
 */
public final class CoolDbClient implements AutoCloseable
{
    private final Connection connection;
    private final ClientCall call;
    private final SharedHeap heap;
    private final SharedDocumentWriter writer = new SharedDocumentWriter();
    private final SharedResultSet result = new SharedResultSet();
    private long unreleased;

    private CoolDbClient(final Connection connection)
    {
        if (connection.transport() != Transport.SHARED_MEMORY)
        {
            connection.close();
            throw new IllegalStateException("CoolDB passes documents by pointer and needs a shared-memory connection");
        }
        this.connection = connection;
        this.heap = connection.heap();
        this.call = connection.newCall(CoolDbProtocol.COUNT);
    }

    /**
     * @param rpc     this process's instance.
     * @param channel the store's channel.
     * @return a client on a new connection.
     */
    public static CoolDbClient connect(final Rpcool rpc, final String channel)
    {
        return new CoolDbClient(rpc.connect(channel, ConnectOptions.defaults().slots(2)));
    }

    public Connection connection()
    {
        return connection;
    }

    /**
     * @return the channel's shared heap, where documents and results live.
     */
    public SharedHeap heap()
    {
        return heap;
    }

    /**
     * Fault in every page of the channel's heaps now ({@link HeapTouch}).
     *
     * @return pages touched.
     */
    public long preTouch()
    {
        return HeapTouch.preTouch(heap);
    }

    /**
     * Build a NoBench object as a document in shared memory and store it.
     *
     * @return the document's id in the store.
     */
    public int insert(final long key, final NoBenchObject object)
    {
        final long root = writer.write(heap, object);
        return handOver(key, writer.buffer(), root);
    }

    /**
     * Build a JSON value given as Java values ({@code Map}, {@code List}, strings, numbers, booleans,
     * null) in shared memory and store it; the store accepts objects only.
     *
     * @return the document's id in the store.
     */
    public int insert(final long key, final Object json)
    {
        final long root = writer.write(heap, json);
        return handOver(key, writer.buffer(), root);
    }

    private int handOver(final long key, final RpcBuffer buffer, final long root)
    {
        try
        {
            return insertPointer(key, buffer.address(), root);
        }
        catch (final RuntimeException e)
        {
            buffer.destroy(); // refused: the buffer is still ours
            throw e;
        }
    }

    /**
     * Hand the server a document already built in an RPC buffer of the channel's heap.
     *
     * @param key    the document's key.
     * @param buffer address of the RPC buffer holding it; the server's from now on.
     * @param root   the document's root node.
     * @return the document's id.
     */
    public int insertPointer(final long key, final long buffer, final long root)
    {
        final MutableDirectBuffer request = call.functionId(CoolDbProtocol.INSERT).request();
        request.putLong(CoolDbProtocol.KEY_OFFSET, key);
        request.putLong(CoolDbProtocol.BUFFER_OFFSET, buffer);
        request.putLong(CoolDbProtocol.ROOT_OFFSET, root);
        call.invoke(CoolDbProtocol.INSERT_LENGTH);
        return call.reply().getInt(0);
    }

    /**
     * Q12: store many objects with one call.
     *
     * @return documents added.
     */
    public int bulkInsert(final long[] keys, final List<NoBenchObject> objects)
    {
        if (keys.length != objects.size())
        {
            throw new IllegalArgumentException(keys.length + " keys for " + objects.size() + " objects");
        }
        final RpcBuffer[] buffers = new RpcBuffer[keys.length];
        final RpcBuffer listBuffer = heap.createBuffer(JsonBlockWriter.vectorLength(3L * keys.length) + 64);
        boolean handedOver = false;
        try
        {
            final long list = SharedLongVector.allocate(listBuffer, 3L * keys.length);
            final SharedLongVector triples = new SharedLongVector().wrap(listBuffer, list);
            for (int i = 0; i < keys.length; i++)
            {
                final long root = writer.write(heap, objects.get(i));
                buffers[i] = writer.buffer();
                triples.add(keys[i]).add(buffers[i].address()).add(root);
            }
            call.functionId(CoolDbProtocol.BULK_INSERT).request().putLong(0, list);
            call.invoke(8);
            handedOver = true;
            return call.reply().getInt(0);
        }
        finally
        {
            listBuffer.destroy();
            if (!handedOver)
            {
                for (final RpcBuffer buffer : buffers)
                {
                    if (buffer != null)
                    {
                        buffer.destroy();
                    }
                }
            }
        }
    }

    /**
     * @return pointer to the root of the document stored under {@code key} in the shared heap, or 0.
     */
    public long get(final long key)
    {
        call.functionId(CoolDbProtocol.GET).request().putLong(CoolDbProtocol.KEY_OFFSET, key);
        call.invoke(8);
        return call.reply().getLong(0);
    }

    /**
     * @return the document stored under {@code key} as Java values, or null.
     */
    public Object getJava(final long key)
    {
        final long root = get(key);
        return root == 0 ? null : SharedJson.toJava(heap.regions(), root);
    }

    /**
     * @return documents in the store.
     */
    public long count()
    {
        call.functionId(CoolDbProtocol.COUNT);
        call.invoke(0);
        return call.reply().getLong(0);
    }

    /**
     * Run a query. The result is read in place and stays valid until the next query or
     * {@link #release()}: the next query releases it.
     *
     * @return the result, a flyweight this client reuses.
     */
    public SharedResultSet query(final NoBenchQuery query)
    {
        final MutableDirectBuffer request = call.functionId(CoolDbProtocol.QUERY).request();
        request.putLong(CoolDbProtocol.RELEASE_OFFSET, unreleased);
        request.putInt(CoolDbProtocol.QUERY_ID_OFFSET, query.id());
        int offset = CoolDbProtocol.QUERY_STRINGS_OFFSET;
        offset = putString(request, CoolDbProtocol.KEY1_LENGTH_OFFSET, offset, query.key1());
        offset = putString(request, CoolDbProtocol.KEY2_LENGTH_OFFSET, offset, query.key2());
        offset = putString(request, CoolDbProtocol.TEXT_LENGTH_OFFSET, offset, query.text());
        request.putLong(CoolDbProtocol.LO_OFFSET, query.lo());
        request.putLong(CoolDbProtocol.HI_OFFSET, query.hi());
        unreleased = 0;
        call.invoke(offset);
        unreleased = call.reply().getLong(CoolDbProtocol.RESULT_OFFSET);
        return result.wrap(heap.regions(), unreleased);
    }

    private static int putString(final MutableDirectBuffer request, final int lengthOffset, final int offset,
        final String value)
    {
        if (value == null)
        {
            request.putInt(lengthOffset, -1);
            return offset;
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        request.putInt(lengthOffset, bytes.length);
        request.putBytes(offset, bytes);
        return offset + bytes.length;
    }

    /**
     * Give the last result back to the server now instead of with the next query.
     */
    public void release()
    {
        if (unreleased != 0)
        {
            final long resultSet = unreleased;
            unreleased = 0;
            call.functionId(CoolDbProtocol.RELEASE).request().putLong(0, resultSet);
            call.invoke(8);
        }
    }

    /**
     * Send a raw request: for tests of how the server treats bad input.
     *
     * @return the call, with its reply.
     */
    public ClientCall raw(final int functionId, final byte[] request)
    {
        call.functionId(functionId).request().putBytes(0, request);
        return call.invoke(request.length);
    }

    @Override
    public void close()
    {
        try
        {
            if (connection.isOpen())
            {
                release();
            }
        }
        finally
        {
            call.close();
            connection.close();
        }
    }
}
