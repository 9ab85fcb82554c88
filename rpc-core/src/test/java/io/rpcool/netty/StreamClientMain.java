package io.rpcool.netty;

import java.nio.file.Path;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;

import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;

/**
 * A client JVM that opens a stream to a channel, writes "hello", prints {@code CONNECTED <pid>} and
 * then waits (to be killed). args: daemon directory, channel name.
 */
public final class StreamClientMain
{
    private StreamClientMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            final RpcoolEventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
            final Channel ch = new Bootstrap().group(group).channel(RpcoolSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(new RpcoolAddress(args[1])).sync().channel();
            ch.writeAndFlush(Unpooled.copiedBuffer("hello", java.nio.charset.StandardCharsets.US_ASCII)).sync();
            System.out.println("CONNECTED " + ProcessHandle.current().pid());
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
