package io.rpcool.examples.cooldb.grpc;

import static io.rpcool.mem.JsonNodeDescriptor.KIND_ARRAY;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_BOOLEAN;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_DOUBLE;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_LONG;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_NULL;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_OBJECT;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_STRING;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.store.CoolDbEngine;
import io.rpcool.examples.cooldb.store.DocumentFields;
import io.rpcool.examples.cooldb.store.ResultSink;
import io.rpcool.examples.cooldb.store.ValueReader;

/**
 * CoolDB's baseline: the same store ({@link CoolDbEngine}, the same indexes and query code) behind
 * gRPC-java with Protobuf messages ({@link CoolDbGrpc}). Documents arrive as {@code Struct}s the
 * client serialized, are kept as the parsed messages, and leave by value: every result is a message
 * the server serializes and the client parses. A handle is an index (from 1) into a table of the
 * stored {@code Value}s. Calls run one at a time on the server's event loop.
 */
public final class GrpcCoolDbServer
{
    private final CoolDbEngine engine = new CoolDbEngine();
    private final DocumentFields fields = new DocumentFields();
    private final Reader reader = new Reader();
    private Value[] values = new Value[1 << 16];
    private int valueCount;

    /** Reads the table of stored values. */
    private final class Reader implements ValueReader
    {
        Value value(final long handle)
        {
            if (handle < 1 || handle > valueCount)
            {
                throw new IllegalArgumentException("no value " + handle);
            }
            return values[(int)handle - 1];
        }

        @Override
        public int kind(final long handle)
        {
            return kindOf(value(handle));
        }

        @Override
        public long longValue(final long handle)
        {
            return (long)value(handle).getNumberValue();
        }

        @Override
        public String stringValue(final long handle)
        {
            return value(handle).getStringValue();
        }

        @Override
        public int elementCount(final long handle)
        {
            return value(handle).getListValue().getValuesCount();
        }

        @Override
        public String elementString(final long handle, final int index)
        {
            final Value element = value(handle).getListValue().getValues(index);
            return element.getKindCase() == Value.KindCase.STRING_VALUE ? element.getStringValue() : null;
        }
    }

    static int kindOf(final Value value)
    {
        switch (value.getKindCase())
        {
            case BOOL_VALUE:
                return KIND_BOOLEAN;
            case NUMBER_VALUE:
            {
                final double d = value.getNumberValue();
                return d == Math.rint(d) && Math.abs(d) < 0x1p63 ? KIND_LONG : KIND_DOUBLE;
            }
            case STRING_VALUE:
                return KIND_STRING;
            case STRUCT_VALUE:
                return KIND_OBJECT;
            case LIST_VALUE:
                return KIND_ARRAY;
            default:
                return KIND_NULL;
        }
    }

    /** Collects a result as Protobuf values: stored values by reference, computed numbers new. */
    private final class Sink implements ResultSink
    {
        private String[] columns;
        private int rows;
        private final List<Value> cells = new ArrayList<>();

        @Override
        public void begin(final String[] columns, final int rows, final int computed)
        {
            this.columns = columns;
            this.rows = rows;
            cells.clear();
        }

        @Override
        public void cell(final long handle)
        {
            cells.add(handle == 0 ? ProtoJson.NULL : reader.value(handle));
        }

        @Override
        public void number(final long value)
        {
            cells.add(ProtoJson.number(value));
        }

        Struct reply()
        {
            final ListValue.Builder names = ListValue.newBuilder();
            for (final String column : columns)
            {
                names.addValues(ProtoJson.string(column));
            }
            final Struct reply = Struct.newBuilder()
                .putFields(CoolDbGrpc.COLUMNS, Value.newBuilder().setListValue(names).build())
                .putFields(CoolDbGrpc.ROWS, ProtoJson.number(rows))
                .putFields(CoolDbGrpc.CELLS, Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(cells)).build())
                .build();
            cells.clear();
            return reply;
        }
    }

    private final Sink sink = new Sink();

    private long handle(final Value value)
    {
        if (valueCount == values.length)
        {
            values = Arrays.copyOf(values, valueCount * 2);
        }
        values[valueCount++] = value;
        return valueCount;
    }

    /**
     * @return the gRPC service over this store.
     */
    public ServerServiceDefinition service()
    {
        return ServerServiceDefinition.builder(CoolDbGrpc.SERVICE_NAME)
            .addMethod(CoolDbGrpc.INSERT, ServerCalls.asyncUnaryCall(this::insert))
            .addMethod(CoolDbGrpc.BULK_INSERT, ServerCalls.asyncUnaryCall(this::bulkInsert))
            .addMethod(CoolDbGrpc.GET, ServerCalls.asyncUnaryCall(this::get))
            .addMethod(CoolDbGrpc.QUERY, ServerCalls.asyncUnaryCall(this::query))
            .build();
    }

    private synchronized void insert(final Struct request, final StreamObserver<Value> reply)
    {
        try
        {
            final int doc = store(request);
            reply.onNext(ProtoJson.number(doc));
            reply.onCompleted();
        }
        catch (final RuntimeException e)
        {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.toString()).asRuntimeException());
        }
    }

    private int store(final Struct request)
    {
        final Value key = request.getFieldsOrDefault(CoolDbGrpc.KEY, ProtoJson.NULL);
        final Value doc = request.getFieldsOrDefault(CoolDbGrpc.DOC, ProtoJson.NULL);
        if (kindOf(key) != KIND_LONG || doc.getKindCase() != Value.KindCase.STRUCT_VALUE)
        {
            throw new IllegalArgumentException("an insert needs an integer key and an object document");
        }
        final long k = (long)key.getNumberValue();
        if (engine.contains(k))
        {
            throw new IllegalArgumentException("key " + k + " is already stored");
        }
        fields.clear();
        final int mark = valueCount;
        for (final Map.Entry<String, Value> member : doc.getStructValue().getFieldsMap().entrySet())
        {
            final Value value = member.getValue();
            final int kind = kindOf(value);
            fields.add(member.getKey(), handle(value), kind);
            if (kind == KIND_OBJECT)
            {
                for (final Map.Entry<String, Value> inner : value.getStructValue().getFieldsMap().entrySet())
                {
                    fields.add(member.getKey() + "." + inner.getKey(), handle(inner.getValue()), kindOf(inner.getValue()));
                }
            }
        }
        try
        {
            return engine.insert(k, handle(doc), fields, reader);
        }
        catch (final RuntimeException e)
        {
            Arrays.fill(values, mark, valueCount, null);
            valueCount = mark;
            throw e;
        }
    }

    private synchronized void bulkInsert(final ListValue request, final StreamObserver<Value> reply)
    {
        try
        {
            for (final Value entry : request.getValuesList())
            {
                final Value key = entry.getStructValue().getFieldsOrDefault(CoolDbGrpc.KEY, ProtoJson.NULL);
                if (kindOf(key) != KIND_LONG || engine.contains((long)key.getNumberValue()))
                {
                    throw new IllegalArgumentException("bulk insert with a bad or taken key: " + key);
                }
            }
            for (final Value entry : request.getValuesList())
            {
                store(entry.getStructValue());
            }
            reply.onNext(ProtoJson.number(request.getValuesCount()));
            reply.onCompleted();
        }
        catch (final RuntimeException e)
        {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.toString()).asRuntimeException());
        }
    }

    private synchronized void get(final Value request, final StreamObserver<Value> reply)
    {
        final long root = kindOf(request) == KIND_LONG ? engine.root((long)request.getNumberValue()) : 0;
        reply.onNext(root == 0 ? ProtoJson.NULL : reader.value(root));
        reply.onCompleted();
    }

    private synchronized void query(final Struct request, final StreamObserver<Struct> reply)
    {
        final Struct result;
        try
        {
            final NoBenchQuery query = new NoBenchQuery(
                (int)request.getFieldsOrDefault(CoolDbGrpc.QUERY_ID, ProtoJson.NULL).getNumberValue(),
                text(request, CoolDbGrpc.KEY1), text(request, CoolDbGrpc.KEY2), text(request, CoolDbGrpc.TEXT),
                (long)request.getFieldsOrDefault(CoolDbGrpc.LO, ProtoJson.NULL).getNumberValue(),
                (long)request.getFieldsOrDefault(CoolDbGrpc.HI, ProtoJson.NULL).getNumberValue());
            engine.query(query, reader, sink);
            result = sink.reply();
        }
        catch (final RuntimeException e)
        {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.toString()).asRuntimeException());
            return;
        }
        reply.onNext(result);
        reply.onCompleted();
    }

    private static String text(final Struct request, final String field)
    {
        final Value value = request.getFieldsOrDefault(field, ProtoJson.NULL);
        return value.getKindCase() == Value.KindCase.STRING_VALUE ? value.getStringValue() : null;
    }

    /**
     * Serve until standard input closes; prints {@code READY <endpoint>} once clients may connect.
     *
     * <p>args: directory for the Unix domain socket
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        final Path socket = dir.resolve("cooldb-grpc.sock");
        Files.deleteIfExists(socket);
        try (GrpcEndpoints.Listening server = GrpcEndpoints.listen(socket.toString(), new GrpcCoolDbServer().service()))
        {
            System.out.println("READY " + server.endpoint());
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // serve until the parent closes our input
            }
        }
        finally
        {
            Files.deleteIfExists(socket);
        }
    }
}
