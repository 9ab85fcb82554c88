package io.rpcool.bench.grpc;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.netty.RpcoolAddresses;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolServerSocketChannel;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server JVM whose only change from a TCP server is the channel type and the event loop
 * groups. args: daemon directory, port. Prints {@code READY <pid>}; serves until stdin closes.
 */
public final class GrpcOverRpcoolServerMain
{
    private GrpcOverRpcoolServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int port = Integer.parseInt(args[1]);
        RpcoolAddresses.map("localhost:" + port, "/grpc/greeter");
        try (Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(Path.of(args[0]))
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL)))
        {
            final RpcoolEventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
            final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("localhost", port))
                .channelType(RpcoolServerSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(GreeterService.service())
                .build()
                .start();
            System.out.println("READY " + ProcessHandle.current().pid());
            while (System.in.read() >= 0)
            {
                // serve until stdin closes
            }
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
