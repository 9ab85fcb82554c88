package io.rpcool.service;

import java.nio.file.Path;

import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;

/** This JVM with an embedded daemon, a {@code ServiceServerMain} JVM serving a channel, and a connection to it. */
final class ServerFixture implements AutoCloseable
{
    final Rpcool rpc;
    final ChildJvm server;
    final Connection conn;

    private ServerFixture(final Rpcool rpc, final ChildJvm server, final Connection conn)
    {
        this.rpc = rpc;
        this.server = server;
        this.conn = conn;
    }

    static ServerFixture start(final String test, final String channel, final String serverDomain, final ConnectOptions options)
    {
        final Path dir = TestDirs.fresh(test);
        final Rpcool rpc = TypedServiceTest.embedded(dir);
        ChildJvm server = null;
        try
        {
            server = TypedServiceTest.server(dir, channel, serverDomain);
            return new ServerFixture(rpc, server, rpc.connect(channel, options));
        }
        catch (final RuntimeException | Error e)
        {
            if (server != null)
            {
                server.close();
            }
            rpc.close();
            throw e;
        }
    }

    static ServerFixture start(final String test, final String channel, final String serverDomain)
    {
        return start(test, channel, serverDomain, ConnectOptions.defaults());
    }

    @Override
    public void close()
    {
        try
        {
            conn.close();
            server.close();
        }
        finally
        {
            rpc.close();
        }
    }
}
