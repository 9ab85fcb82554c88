package io.rpcool.bench.ycsb.mongo;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.UnixServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.TransportSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.netty.RpcoolEventLoopGroup;
import io.rpcool.netty.RpcoolSocketChannel;

/**
 * The MongoDB Java driver (sync API, 5.x) connected to a {@link MongoWireServer} over one system:
 * <ul>
 *   <li>{@code rpcool-shm}: the driver's Netty transport with {@link RpcoolSocketChannel} and an
 *   {@link RpcoolEventLoopGroup} of one thread; the driver resolves {@code localhost:27017} to an
 *   {@code InetSocketAddress}, which {@code RpcoolAddresses} sends to the server's channel.</li>
 *   <li>{@code uds}: the driver's own Unix-domain-socket stream ({@link UnixServerAddress}, over jnr-unixsocket).</li>
 *   <li>{@code tcp}: the driver's default stream (blocking socket) to loopback.</li>
 *   <li>{@code tcp-netty}: the driver's Netty transport with NIO channels to loopback; not a benchmark system,
 *   it separates the cost of the driver's Netty stream from that of the channel under it.</li>
 * </ul>
 * Every operation has a deadline: connect and read timeouts, and a server-selection timeout.
 */
public final class MongoDriverClient implements AutoCloseable
{
    private final MongoClient client;
    private final EventLoopGroup group;
    private final Rpcool rpcool;

    private MongoDriverClient(final MongoClient client, final EventLoopGroup group, final Rpcool rpcool)
    {
        this.client = client;
        this.group = group;
        this.rpcool = rpcool;
    }

    /**
     * @param system     {@code rpcool-shm}, {@code uds}, {@code tcp} or {@code tcp-netty}.
     * @param endpoint   what the server printed after {@code READY}.
     * @param timeoutMs  connect, read and server-selection timeout.
     * @return a connected client (connections open lazily, on the first operation).
     */
    public static MongoDriverClient open(final String system, final String endpoint, final int timeoutMs)
    {
        final MongoClientSettings.Builder settings = MongoClientSettings.builder()
            .applyToSocketSettings(b -> b.connectTimeout(timeoutMs, TimeUnit.MILLISECONDS).readTimeout(timeoutMs, TimeUnit.MILLISECONDS))
            .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
            .retryReads(false)
            .retryWrites(false);
        switch (system)
        {
            case "rpcool-shm":
            {
                final String[] parts = endpoint.split(",");
                final Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(Path.of(parts[0])).processName("mongo-client")
                    .daemonMode(RpcoolContext.DaemonMode.EXTERNAL));
                final EventLoopGroup group = new RpcoolEventLoopGroup(1, rpc);
                settings.applyToClusterSettings(b -> b.hosts(List.of(new ServerAddress("localhost", Integer.parseInt(parts[1])))))
                    .transportSettings(TransportSettings.nettyBuilder().socketChannelClass(RpcoolSocketChannel.class)
                        .eventLoopGroup(group).build());
                return new MongoDriverClient(MongoClients.create(settings.build()), group, rpc);
            }
            case "uds":
                settings.applyToClusterSettings(b -> b.hosts(List.of(new UnixServerAddress(endpoint))));
                return new MongoDriverClient(MongoClients.create(settings.build()), null, null);
            case "tcp":
                settings.applyToClusterSettings(b -> b.hosts(List.of(new ServerAddress(endpoint))));
                return new MongoDriverClient(MongoClients.create(settings.build()), null, null);
            case "tcp-netty":
            {
                final EventLoopGroup group = new NioEventLoopGroup(1);
                settings.applyToClusterSettings(b -> b.hosts(List.of(new ServerAddress(endpoint))))
                    .transportSettings(TransportSettings.nettyBuilder().socketChannelClass(NioSocketChannel.class)
                        .eventLoopGroup(group).build());
                return new MongoDriverClient(MongoClients.create(settings.build()), group, null);
            }
            default:
                throw new IllegalArgumentException("unknown system " + system);
        }
    }

    public MongoClient client()
    {
        return client;
    }

    @Override
    public void close()
    {
        client.close();
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (rpcool != null)
        {
            rpcool.close();
        }
    }
}
