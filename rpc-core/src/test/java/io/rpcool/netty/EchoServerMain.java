package io.rpcool.netty;

import java.nio.file.Path;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;

/**
 * A Netty echo server on {@link RpcoolServerSocketChannel} in its own JVM. args: daemon directory,
 * channel name, ring capacity. Prints {@code READY <pid>}, then serves until stdin closes.
 */
public final class EchoServerMain
{
    private EchoServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final RpcoolEventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
            try
            {
                final io.netty.channel.Channel server = new ServerBootstrap().group(group).channel(RpcoolServerSocketChannel.class)
                    .option(RpcoolChannelOption.RING_CAPACITY, Integer.parseInt(args[2]))
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>()
                    {
                        @Override
                        protected void initChannel(final SocketChannel ch)
                        {
                            ch.pipeline().addLast(new EchoHandler());
                        }
                    })
                    .bind(new RpcoolAddress(args[1])).sync().channel();
                System.out.println("READY " + ProcessHandle.current().pid());
                while (System.in.read() >= 0)
                {
                    // serve until stdin closes
                }
                server.close().sync();
            }
            finally
            {
                group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            }
        }
    }
}
