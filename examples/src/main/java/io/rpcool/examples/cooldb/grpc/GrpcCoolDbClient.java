package io.rpcool.examples.cooldb.grpc;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.store.Digests;

/**
 * Client of CoolDB's gRPC baseline: blocking unary calls, documents and results by value.
 */
public final class GrpcCoolDbClient implements AutoCloseable
{
    private final GrpcEndpoints.Connected connected;
    private final ManagedChannel channel;

    private GrpcCoolDbClient(final GrpcEndpoints.Connected connected)
    {
        this.connected = connected;
        this.channel = connected.channel();
    }

    /**
     * @param endpoint the server's {@code READY} endpoint.
     * @return a connected client.
     */
    public static GrpcCoolDbClient connect(final String endpoint)
    {
        return new GrpcCoolDbClient(GrpcEndpoints.connect(endpoint));
    }

    /**
     * A query result as received: columns and cells by value.
     *
     * @param columns column names.
     * @param rows    number of rows.
     * @param cells   {@code rows * columns} values, row-major; absent values are null values.
     */
    public record Result(List<String> columns, long rows, List<Value> cells)
    {
        /**
         * @return the rows as Java values ({@link ProtoJson#toJava}).
         */
        public List<List<Object>> toJava()
        {
            final List<List<Object>> table = new ArrayList<>();
            final int width = columns.size();
            for (int r = 0; r < rows; r++)
            {
                final List<Object> row = new ArrayList<>(width);
                for (int c = 0; c < width; c++)
                {
                    row.add(ProtoJson.toJava(cells.get(r * width + c)));
                }
                table.add(row);
            }
            return table;
        }

        /**
         * Read every value of the result once (see {@link Digests}).
         *
         * @return the result's digest.
         */
        public long digest()
        {
            long digest = rows * Digests.ROW;
            final int width = columns.size();
            for (int i = 0; i < cells.size(); i++)
            {
                digest += Digests.cell(i % width, ProtoJson.digest(cells.get(i)));
            }
            return digest;
        }
    }

    /**
     * @return the document's id in the store.
     */
    public int insert(final long key, final NoBenchObject object)
    {
        return insert(key, Value.newBuilder().setStructValue(ProtoJson.document(object)).build());
    }

    /**
     * @param json Java JSON object.
     * @return the document's id in the store.
     */
    public int insert(final long key, final Object json)
    {
        return insert(key, ProtoJson.value(json));
    }

    private int insert(final long key, final Value doc)
    {
        final Struct request = Struct.newBuilder()
            .putFields(CoolDbGrpc.KEY, ProtoJson.number(key))
            .putFields(CoolDbGrpc.DOC, doc)
            .build();
        return (int)ClientCalls.blockingUnaryCall(channel, CoolDbGrpc.INSERT, CallOptions.DEFAULT, request).getNumberValue();
    }

    /**
     * Q12: store many objects with one call.
     *
     * @return documents added.
     */
    public int bulkInsert(final long[] keys, final List<NoBenchObject> objects)
    {
        final ListValue.Builder list = ListValue.newBuilder();
        for (int i = 0; i < keys.length; i++)
        {
            list.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields(CoolDbGrpc.KEY, ProtoJson.number(keys[i]))
                .putFields(CoolDbGrpc.DOC, Value.newBuilder().setStructValue(ProtoJson.document(objects.get(i))).build()))
                .build());
        }
        return (int)ClientCalls.blockingUnaryCall(channel, CoolDbGrpc.BULK_INSERT, CallOptions.DEFAULT, list.build())
            .getNumberValue();
    }

    /**
     * @return the document stored under {@code key}, or a null value.
     */
    public Value get(final long key)
    {
        return ClientCalls.blockingUnaryCall(channel, CoolDbGrpc.GET, CallOptions.DEFAULT, ProtoJson.number(key));
    }

    /**
     * @return the document stored under {@code key} as Java values, or null.
     */
    public Object getJava(final long key)
    {
        return ProtoJson.toJava(get(key));
    }

    /**
     * @return the query's result, by value.
     */
    public Result query(final NoBenchQuery query)
    {
        final Struct.Builder request = Struct.newBuilder().putFields(CoolDbGrpc.QUERY_ID, ProtoJson.number(query.id()));
        if (query.key1() != null)
        {
            request.putFields(CoolDbGrpc.KEY1, ProtoJson.string(query.key1()));
        }
        if (query.key2() != null)
        {
            request.putFields(CoolDbGrpc.KEY2, ProtoJson.string(query.key2()));
        }
        if (query.text() != null)
        {
            request.putFields(CoolDbGrpc.TEXT, ProtoJson.string(query.text()));
        }
        request.putFields(CoolDbGrpc.LO, ProtoJson.number(query.lo()));
        request.putFields(CoolDbGrpc.HI, ProtoJson.number(query.hi()));
        final Struct reply = ClientCalls.blockingUnaryCall(channel, CoolDbGrpc.QUERY, CallOptions.DEFAULT, request.build());
        final List<String> columns = new ArrayList<>();
        for (final Value name : reply.getFieldsOrThrow(CoolDbGrpc.COLUMNS).getListValue().getValuesList())
        {
            columns.add(name.getStringValue());
        }
        return new Result(columns, (long)reply.getFieldsOrThrow(CoolDbGrpc.ROWS).getNumberValue(),
            reply.getFieldsOrThrow(CoolDbGrpc.CELLS).getListValue().getValuesList());
    }

    @Override
    public void close()
    {
        connected.close();
    }
}
