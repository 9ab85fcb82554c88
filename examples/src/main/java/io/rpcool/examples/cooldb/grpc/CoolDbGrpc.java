package io.rpcool.examples.cooldb.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * The gRPC service of CoolDB's baseline, {@code cooldb.CoolDb}. Every message is one of Protobuf's
 * JSON types ({@code google.protobuf.Struct}, {@code Value}, {@code ListValue}), whose generated code
 * ships with protobuf-java, so the service needs no code generation; this is what protoc would
 * generate for:
 * <pre>
 * service CoolDb {
 *   rpc Insert(google.protobuf.Struct) returns (google.protobuf.Value);         // {"key": k, "doc": {...}} -> document id
 *   rpc BulkInsert(google.protobuf.ListValue) returns (google.protobuf.Value);  // [{"key": k, "doc": {...}}, ...] -> count
 *   rpc Get(google.protobuf.Value) returns (google.protobuf.Value);             // key -> document, or null
 *   rpc Query(google.protobuf.Struct) returns (google.protobuf.Struct);         // query -> result table
 * }
 * </pre>
 * A query is {@code {"q": id, "key1": .., "key2": .., "text": .., "lo": .., "hi": ..}} (absent fields
 * are null); a result is {@code {"columns": [names], "rows": n, "cells": [rows * columns values]}},
 * documents and values by value.
 */
public final class CoolDbGrpc
{
    public static final String SERVICE_NAME = "cooldb.CoolDb";

    public static final MethodDescriptor<Struct, Value> INSERT = unary("Insert",
        ProtoUtils.marshaller(Struct.getDefaultInstance()), ProtoUtils.marshaller(Value.getDefaultInstance()));
    public static final MethodDescriptor<ListValue, Value> BULK_INSERT = unary("BulkInsert",
        ProtoUtils.marshaller(ListValue.getDefaultInstance()), ProtoUtils.marshaller(Value.getDefaultInstance()));
    public static final MethodDescriptor<Value, Value> GET = unary("Get",
        ProtoUtils.marshaller(Value.getDefaultInstance()), ProtoUtils.marshaller(Value.getDefaultInstance()));
    public static final MethodDescriptor<Struct, Struct> QUERY = unary("Query",
        ProtoUtils.marshaller(Struct.getDefaultInstance()), ProtoUtils.marshaller(Struct.getDefaultInstance()));

    public static final String KEY = "key";
    public static final String DOC = "doc";
    public static final String QUERY_ID = "q";
    public static final String KEY1 = "key1";
    public static final String KEY2 = "key2";
    public static final String TEXT = "text";
    public static final String LO = "lo";
    public static final String HI = "hi";
    public static final String COLUMNS = "columns";
    public static final String ROWS = "rows";
    public static final String CELLS = "cells";

    private CoolDbGrpc()
    {
    }

    private static <Q, R> MethodDescriptor<Q, R> unary(
        final String method, final MethodDescriptor.Marshaller<Q> request, final MethodDescriptor.Marshaller<R> reply)
    {
        return MethodDescriptor.<Q, R>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, method))
            .setRequestMarshaller(request)
            .setResponseMarshaller(reply)
            .build();
    }
}
