package io.rpcool.bench.grpc;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

/**
 * A plain gRPC service, unchanged whatever transport carries it: {@code Greet} (unary, a name in,
 * "Hello, name!" out) and {@code Count} (server streaming, n in, "item-0" .. "item-(n-1)" out). Written
 * by hand, as protoc would generate it, with protobuf's wrapper messages.
 */
final class GreeterService
{
    static final String SERVICE_NAME = "rpcool.test.Greeter";

    static final MethodDescriptor<StringValue, StringValue> GREET = MethodDescriptor.<StringValue, StringValue>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Greet"))
        .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .build();

    static final MethodDescriptor<Int32Value, StringValue> COUNT = MethodDescriptor.<Int32Value, StringValue>newBuilder()
        .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Count"))
        .setRequestMarshaller(ProtoUtils.marshaller(Int32Value.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .build();

    private GreeterService()
    {
    }

    static ServerServiceDefinition service()
    {
        return ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(GREET, ServerCalls.asyncUnaryCall((request, response) ->
            {
                response.onNext(StringValue.of("Hello, " + request.getValue() + "!"));
                response.onCompleted();
            }))
            .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, response) ->
            {
                for (int i = 0; i < request.getValue(); i++)
                {
                    response.onNext(StringValue.of("item-" + i));
                }
                response.onCompleted();
            }))
            .build();
    }
}
