package io.rpcool.bench.ycsb.mongo;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireMessageEncoder;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolServerSocketChannel;

/**
 * mongo-java-server (a MongoDB-wire-protocol server on Netty, with its in-memory backend) served over
 * one {@link #SYSTEMS system}:
 * <ul>
 *   <li>{@code rpcool-shm}: RPCool's Netty channels. {@link MongoServer#bind} hard-codes NIO channels,
 *   so this class builds the {@link ServerBootstrap} itself from the server's public wire handlers, on
 *   {@link RpcoolServerSocketChannel} and an {@link RpcoolEventLoopGroup}. Endpoint: {@code dir,port},
 *   the daemon directory (the daemon runs inside this server's process) and the port the client names.</li>
 *   <li>{@code uds}: the same bootstrap on Netty's epoll Unix-domain-socket channels. Endpoint: the socket path.</li>
 *   <li>{@code tcp}: the server's own {@link MongoServer#bind(String, int)} on loopback (NIO). Endpoint: {@code host:port}.</li>
 * </ul>
 * The backend reports MongoDB 4.0, the oldest server the 5.x driver talks to.
 */
public final class MongoWireServer implements AutoCloseable
{
    /** The systems a server can be started on. */
    public static final List<String> SYSTEMS = List.of("rpcool-shm", "uds", "tcp");
    /** The port an RPCool client names; unmapped, it leads to the channel {@code /rpcool-netty/27017}. */
    public static final int RPCOOL_PORT = 27017;

    private final MongoBackend backend;
    private final String endpoint;
    private final MongoServer stockServer;
    private final Channel channel;
    private final EventLoopGroup group;
    private final ChannelGroup clients;
    private final Rpcool rpcool;
    private final Path socket;

    private MongoWireServer(final MongoBackend backend, final String endpoint, final MongoServer stockServer, final Channel channel,
        final EventLoopGroup group, final ChannelGroup clients, final Rpcool rpcool, final Path socket)
    {
        this.backend = backend;
        this.endpoint = endpoint;
        this.stockServer = stockServer;
        this.channel = channel;
        this.group = group;
        this.clients = clients;
        this.rpcool = rpcool;
        this.socket = socket;
    }

    /**
     * @param system   one of {@link #SYSTEMS}.
     * @param scratch  a private directory for the daemon or the socket.
     * @return a running server; {@link #endpoint()} says how to reach it.
     */
    public static MongoWireServer start(final String system, final Path scratch) throws Exception
    {
        final MongoBackend backend = new MemoryBackend().version(ServerVersion.MONGO_4_0);
        switch (system)
        {
            case "rpcool-shm":
            {
                final Path dir = Files.createDirectories(scratch.resolve("rpcool"));
                final Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(dir).processName("mongo-server")
                    .daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
                try
                {
                    final EventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
                    final ChannelGroup clients = new DefaultChannelGroup("mongodb-channels", group.next());
                    final Channel ch = bootstrap(backend, group, clients).channel(RpcoolServerSocketChannel.class)
                        .bind(new InetSocketAddress("localhost", RPCOOL_PORT)).syncUninterruptibly().channel();
                    return new MongoWireServer(backend, dir + "," + RPCOOL_PORT, null, ch, group, clients, rpc, null);
                }
                catch (final RuntimeException e)
                {
                    rpc.close();
                    throw e;
                }
            }
            case "uds":
            {
                Epoll.ensureAvailability();
                final Path path = scratch.resolve("mongo.sock");
                Files.deleteIfExists(path);
                final EventLoopGroup group = new EpollEventLoopGroup(1);
                final ChannelGroup clients = new DefaultChannelGroup("mongodb-channels", group.next());
                final Channel ch = bootstrap(backend, group, clients).channel(EpollServerDomainSocketChannel.class)
                    .bind(new DomainSocketAddress(path.toString())).syncUninterruptibly().channel();
                return new MongoWireServer(backend, path.toString(), null, ch, group, clients, null, path);
            }
            case "tcp":
            {
                final MongoServer server = new MongoServer(backend);
                server.bind("127.0.0.1", 0);
                return new MongoWireServer(backend, "127.0.0.1:" + server.getLocalAddress().getPort(), server, null, null, null,
                    null, null);
            }
            default:
                throw new IllegalArgumentException("unknown system " + system + "; expected one of " + SYSTEMS);
        }
    }

    /** The pipeline {@link MongoServer} gives each connection, from its public handlers (no TLS). */
    private static ServerBootstrap bootstrap(final MongoBackend backend, final EventLoopGroup group, final ChannelGroup clients)
    {
        return new ServerBootstrap()
            .group(group)
            .childHandler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(new MongoWireReplyEncoder());
                    ch.pipeline().addLast(new MongoWireMessageEncoder());
                    ch.pipeline().addLast(new MongoWireProtocolHandler());
                    ch.pipeline().addLast(new MongoDatabaseHandler(backend, clients));
                    ch.pipeline().addLast(new MongoExceptionHandler());
                }
            });
    }

    /** How a client reaches this server; the form depends on the system (see the class comment). */
    public String endpoint()
    {
        return endpoint;
    }

    @Override
    public void close()
    {
        if (stockServer != null)
        {
            stockServer.shutdownNow();
            return;
        }
        channel.close().syncUninterruptibly();
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        backend.close();
        if (rpcool != null)
        {
            rpcool.close();
        }
        if (socket != null)
        {
            try
            {
                Files.deleteIfExists(socket);
            }
            catch (final java.io.IOException ignore)
            {
                // the scratch directory goes with the run
            }
        }
    }
}
