package io.rpcool.netty;

import java.util.concurrent.Executor;

import io.netty.channel.EventLoop;
import io.netty.channel.MultithreadEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import io.rpcool.Rpcool;

/**
 * Event loops for {@link RpcoolSocketChannel} and {@link RpcoolServerSocketChannel}: each loop thread
 * runs Netty's tasks and polls the byte rings of the channels registered with it, and waits with the
 * library's adaptive idle strategy when there is nothing to do. Channels connect and bind through the
 * given {@link Rpcool} instance, which the caller owns and closes after this group.
 *
 * <pre>{@code
 * Rpcool rpc = Rpcool.launch();
 * EventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
 * new Bootstrap().group(group).channel(RpcoolSocketChannel.class)...
 * }</pre>
 */
public final class RpcoolEventLoopGroup extends MultithreadEventLoopGroup
{
    /**
     * @param nThreads loop threads (0: Netty's default, twice the processors).
     * @param rpcool   the instance whose daemon names channels and whose heaps hold the rings.
     */
    public RpcoolEventLoopGroup(final int nThreads, final Rpcool rpcool)
    {
        super(nThreads, new DefaultThreadFactory("rpcool-netty", true), rpcool);
    }

    @Override
    protected EventLoop newChild(final Executor executor, final Object... args)
    {
        return new RpcoolEventLoop(this, executor, (Rpcool)args[0]);
    }
}
