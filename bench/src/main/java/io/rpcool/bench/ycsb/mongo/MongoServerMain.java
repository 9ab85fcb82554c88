package io.rpcool.bench.ycsb.mongo;

import io.rpcool.bench.fork.ServerSupport;

/**
 * A server JVM: mongo-java-server over one system ({@link MongoWireServer}). args: scratch directory,
 * system. Prints {@code READY <endpoint>}; serves until stdin closes.
 */
public final class MongoServerMain
{
    private MongoServerMain()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            if (args.length != 2)
            {
                throw new IllegalArgumentException(
                    "usage: MongoServerMain <scratch-dir> <" + String.join("|", MongoWireServer.SYSTEMS) + ">");
            }
            final MongoWireServer server = MongoWireServer.start(args[1], ServerSupport.scratchDir(args));
            ServerSupport.serve(server.endpoint(), server);
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }
}
