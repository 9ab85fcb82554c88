package io.rpcool.bench.ycsb.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;

/**
 * A client JVM that inserts and reads documents without end over one system, printing
 * {@code RUNNING} after its first hundred; args: system, endpoint, collection.
 */
public final class MongoLoopClientMain
{
    private MongoLoopClientMain()
    {
    }

    public static void main(final String[] args)
    {
        try (MongoDriverClient mongo = MongoDriverClient.open(args[0], args[1], MongoDriverTest.TIMEOUT_MS))
        {
            final MongoCollection<Document> docs = mongo.client().getDatabase("test").getCollection(args[2]);
            for (long i = 0; ; i++)
            {
                docs.insertOne(new Document("_id", i).append("payload", new byte[4096]));
                docs.find(Filters.eq("_id", i)).first();
                if (i == 100)
                {
                    System.out.println("RUNNING");
                }
            }
        }
    }
}
