package io.rpcool.bench.systems.grpc;

import com.google.protobuf.Empty;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

/**
 * Hand-written gRPC service {@code rpcool.bench.Noop/Call}: unary, {@code google.protobuf.Empty} in
 * and out, the same as what protoc would generate for
 * {@code service Noop { rpc Call(google.protobuf.Empty) returns (google.protobuf.Empty); }}.
 */
final class NoopGrpc
{
    static final String SERVICE_NAME = "rpcool.bench.Noop";

    static final MethodDescriptor<Empty, Empty> CALL = MethodDescriptor.<Empty, Empty>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Call"))
        .setRequestMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
        .build();

    private NoopGrpc()
    {
    }

    static ServerServiceDefinition service()
    {
        return ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(CALL, ServerCalls.asyncUnaryCall((request, responseObserver) ->
            {
                responseObserver.onNext(Empty.getDefaultInstance());
                responseObserver.onCompleted();
            }))
            .build();
    }
}
