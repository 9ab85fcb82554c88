package io.rpcool.bench.ycsb.mongo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.UpdateResult;
import io.rpcool.harness.jvm.ChildJvm;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MongoDB Java driver in this JVM against mongo-java-server in another, over RPCool's Netty
 * channels, a Unix domain socket and TCP: documents written are read back as written, updates and
 * deletes report and do what they should, and a document larger than a ring (256 KiB) crosses whole.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MongoDriverTest
{
    static final int TIMEOUT_MS = 10_000;
    private static final int DOCUMENTS = 200;

    @ParameterizedTest
    @ValueSource(strings = {"rpcool-shm", "uds", "tcp"})
    void shouldInsertFindUpdateAndDeleteDocumentsInAnotherJvm(final String system, @TempDir final Path dir) throws Exception
    {
        try (ChildJvm server = startServer(dir, system);
            MongoDriverClient mongo = MongoDriverClient.open(system, endpoint(server), TIMEOUT_MS))
        {
            final MongoCollection<Document> docs = mongo.client().getDatabase("test").getCollection("docs");
            final List<Document> batch = new ArrayList<>();
            for (int i = 0; i < DOCUMENTS; i++)
            {
                batch.add(new Document("_id", "key-" + i).append("n", i).append("name", "document " + i)
                    .append("tags", List.of("t" + i % 3, "all")));
            }
            docs.insertMany(batch.subList(0, DOCUMENTS / 2));
            for (final Document d : batch.subList(DOCUMENTS / 2, DOCUMENTS))
            {
                docs.insertOne(d);
            }
            assertEquals(DOCUMENTS, docs.countDocuments());
            for (int i = 0; i < DOCUMENTS; i += 7)
            {
                assertEquals(batch.get(i), docs.find(Filters.eq("_id", "key-" + i)).first());
            }
            assertEquals(DOCUMENTS / 3 + 1, docs.countDocuments(Filters.eq("tags", "t0")));

            final UpdateResult updated = docs.updateMany(Filters.lt("n", 50), Updates.set("name", "updated"));
            assertEquals(50, updated.getMatchedCount());
            assertEquals(50, updated.getModifiedCount());
            assertEquals("updated", docs.find(Filters.eq("_id", "key-49")).first().getString("name"));
            assertEquals("document 50", docs.find(Filters.eq("_id", "key-50")).first().getString("name"));
            assertEquals(0, docs.updateOne(Filters.eq("_id", "missing"), Updates.set("name", "x")).getMatchedCount());

            final List<Document> range = docs.find(Filters.gte("n", 190)).sort(Sorts.ascending("n")).into(new ArrayList<>());
            assertEquals(10, range.size());
            assertEquals(199, range.get(9).getInteger("n"));

            final DeleteResult deleted = docs.deleteMany(Filters.gte("n", 100));
            assertEquals(100, deleted.getDeletedCount());
            assertEquals(DOCUMENTS - 100, docs.countDocuments());
            assertNull(docs.find(Filters.eq("_id", "key-150")).first());
            assertEquals(1, docs.deleteOne(Filters.eq("_id", "key-0")).getDeletedCount());
            assertEquals(0, docs.deleteOne(Filters.eq("_id", "key-0")).getDeletedCount());

            final byte[] big = new byte[3 * 1024 * 1024 + 17];
            new Random(13).nextBytes(big);
            docs.insertOne(new Document("_id", "big").append("payload", new Binary(big)));
            final Document back = docs.find(Filters.eq("_id", "big")).first();
            assertNotNull(back);
            assertArrayEquals(big, back.get("payload", Binary.class).getData());
            final List<Document> bigs = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                bigs.add(new Document("_id", "big-" + i).append("payload", new Binary(big)));
            }
            docs.insertMany(bigs);
            assertEquals(5, docs.countDocuments(Filters.regex("_id", "^big")));
            docs.find(Filters.regex("_id", "^big")).forEach(d -> assertArrayEquals(big, d.get("payload", Binary.class).getData()));
        }
    }

    static ChildJvm startServer(final Path dir, final String system)
    {
        return ChildJvm.builder(MongoServerMain.class).name("mongo-server-" + system).jvmFlags("-Xmx512m")
            .args(dir.resolve("server").toString(), system).start();
    }

    static String endpoint(final ChildJvm server)
    {
        return server.awaitLine("READY", 60_000).substring("READY ".length()).trim();
    }
}
