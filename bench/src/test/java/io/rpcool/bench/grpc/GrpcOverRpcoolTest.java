package io.rpcool.bench.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.netty.RpcoolAddresses;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolSocketChannel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An unchanged gRPC service in one JVM and its client in another, over RPCool's Netty channels:
 * the only changes from gRPC over TCP are the channel types and event loop groups.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcOverRpcoolTest
{
    private static final int PORT = 50051;

    @Test
    void shouldServeUnaryAndServerStreamingCallsFromAnotherJvmOverSharedMemory() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-test-grpc-");
        RpcoolAddresses.map("localhost:" + PORT, "/grpc/greeter");
        try (Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
            ChildJvm server = ChildJvm.builder(GrpcOverRpcoolServerMain.class).jvmFlags("-Xmx256m")
                .args(dir.toString(), Integer.toString(PORT)).start())
        {
            server.awaitLine("READY", 60_000);
            final RpcoolEventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
            final ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", PORT)
                .channelType(RpcoolSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
            try
            {
                final StringValue reply = ClientCalls.blockingUnaryCall(channel, GreeterService.GREET,
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), StringValue.of("shared memory"));
                assertEquals("Hello, shared memory!", reply.getValue());
                for (int i = 0; i < 100; i++)
                {
                    assertEquals("Hello, " + i + "!", ClientCalls.blockingUnaryCall(channel, GreeterService.GREET,
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), StringValue.of(Integer.toString(i))).getValue());
                }

                final Iterator<StringValue> items = ClientCalls.blockingServerStreamingCall(channel, GreeterService.COUNT,
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), Int32Value.of(5000));
                final List<String> got = new ArrayList<>();
                items.forEachRemaining(v -> got.add(v.getValue()));
                assertEquals(5000, got.size());
                for (int i = 0; i < got.size(); i++)
                {
                    assertEquals("item-" + i, got.get(i));
                }
            }
            finally
            {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                RpcoolAddresses.unmap("localhost:" + PORT);
            }
        }
    }
}
