package io.rpcool.bench.ycsb.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.rpcool.harness.jvm.ChildJvm;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of either side of the driver and mongo-java-server over RPCool's Netty channels. */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MongoKillTest
{
    private static final int DRIVER_TIMEOUT_MS = 5_000;

    @Test
    void shouldFailTheDriversRequestsSoonAfterTheServerIsKilled(@TempDir final Path dir) throws Exception
    {
        try (MongoYcsbStore store = new MongoYcsbStore(java.util.List.of("-Xmx256m")))
        {
            final Properties server = store.start("rpcool-shm", dir);
            try (MongoDriverClient mongo = MongoDriverClient.open("rpcool-shm", server.getProperty(MongoDbBinding.ENDPOINT),
                DRIVER_TIMEOUT_MS))
            {
                final MongoCollection<Document> docs = mongo.client().getDatabase("test").getCollection("kill");
                final AtomicLong done = new AtomicLong();
                final CompletableFuture<MongoException> failure = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        for (long i = 0; ; i++)
                        {
                            docs.insertOne(new Document("_id", i).append("payload", new byte[64 * 1024]));
                            docs.find(Filters.eq("_id", i)).first();
                            done.incrementAndGet();
                        }
                    }
                    catch (final MongoException e)
                    {
                        return e;
                    }
                });
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (done.get() < 50 && System.nanoTime() < deadline && !failure.isDone())
                {
                    Thread.sleep(10);
                }
                assertTrue(done.get() >= 50, "requests before the kill: " + done.get());
                final long killed = System.nanoTime();
                store.server().kill9();
                final MongoException error = failure.get(DRIVER_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
                final long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                System.out.println("after the kill the driver failed in " + afterMs + " ms with " + error);
                assertNotNull(error.getMessage());
                assertTrue(afterMs < DRIVER_TIMEOUT_MS + 2_000, "driver failed " + afterMs + " ms after the kill: " + error);
            }
        }
    }

    @Test
    void shouldKeepServingAnotherClientAfterAClientIsKilled(@TempDir final Path dir) throws Exception
    {
        try (MongoYcsbStore store = new MongoYcsbStore(java.util.List.of("-Xmx256m")))
        {
            final String endpoint = store.start("rpcool-shm", dir).getProperty(MongoDbBinding.ENDPOINT);
            try (MongoDriverClient mongo = MongoDriverClient.open("rpcool-shm", endpoint, MongoDriverTest.TIMEOUT_MS);
                ChildJvm victim = ChildJvm.builder(MongoLoopClientMain.class).jvmFlags("-Xmx256m")
                    .args("rpcool-shm", endpoint, "victim").start())
            {
                final MongoCollection<Document> docs = mongo.client().getDatabase("test").getCollection("survivor");
                docs.insertOne(new Document("_id", "before").append("n", 1));
                victim.awaitLine("RUNNING", 60_000);
                victim.kill9();
                for (int i = 0; i < 200; i++)
                {
                    docs.insertOne(new Document("_id", i).append("n", i));
                    assertEquals(i, docs.find(Filters.eq("_id", i)).first().getInteger("n"));
                }
                assertEquals(201, docs.countDocuments());
                assertTrue(mongo.client().getDatabase("test").getCollection("victim").countDocuments() > 100);
            }
            // A client that connects after the kill is served too.
            try (MongoDriverClient late = MongoDriverClient.open("rpcool-shm", endpoint, MongoDriverTest.TIMEOUT_MS))
            {
                assertEquals(1, late.client().getDatabase("test").getCollection("survivor").find(Filters.eq("_id", "before"))
                    .first().getInteger("n"));
            }
        }
    }
}
