package io.rpcool.bench.ycsb.mongo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;

import com.mongodb.MongoException;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.types.Binary;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for the MongoDB Java driver 5.x (YCSB's own MongoDB binding uses driver classes that 5.x
 * removed). A record is one document: {@code _id} is the YCSB key, each field a binary value. Reads and
 * updates go by {@code _id}, a scan is a range of {@code _id}s in order, an update {@code $set}s the given
 * fields. Every client thread of a JVM shares one driver client (its connection pool), opened by the
 * first thread and closed by the last.
 *
 * <p>Properties: {@value #SYSTEM} and {@value #ENDPOINT} (what {@link MongoYcsbStore#start} returns),
 * {@value #DATABASE} (default {@code ycsb}), {@value #TIMEOUT_MS} (connect, read and server-selection
 * timeout, default 10000).
 */
public final class MongoDbBinding extends DB
{
    public static final String SYSTEM = "mongodb.system";
    public static final String ENDPOINT = "mongodb.endpoint";
    public static final String DATABASE = "mongodb.database";
    public static final String TIMEOUT_MS = "mongodb.timeoutMs";

    private static final String ID = "_id";
    private static final Object LOCK = new Object();
    private static MongoDriverClient shared;
    private static String sharedKey;
    private static int users;

    private final Map<String, MongoCollection<Document>> collections = new HashMap<>();
    private MongoDatabase database;
    private boolean reportedError;

    @Override
    public void init() throws DBException
    {
        final String system = getProperties().getProperty(SYSTEM);
        final String endpoint = getProperties().getProperty(ENDPOINT);
        if (system == null || endpoint == null)
        {
            throw new DBException("the MongoDB binding needs the properties " + SYSTEM + " and " + ENDPOINT);
        }
        final int timeoutMs = Integer.parseInt(getProperties().getProperty(TIMEOUT_MS, "10000"));
        final String key = system + " " + endpoint;
        synchronized (LOCK)
        {
            if (shared == null)
            {
                try
                {
                    shared = MongoDriverClient.open(system, endpoint, timeoutMs);
                }
                catch (final RuntimeException e)
                {
                    throw new DBException("cannot open a MongoDB client over " + system + " to " + endpoint, e);
                }
                sharedKey = key;
            }
            else if (!sharedKey.equals(key))
            {
                throw new DBException("this JVM's MongoDB client already goes to " + sharedKey + ", not " + key);
            }
            users++;
            database = shared.client().getDatabase(getProperties().getProperty(DATABASE, "ycsb"));
        }
    }

    @Override
    public void cleanup()
    {
        synchronized (LOCK)
        {
            if (database != null && --users == 0)
            {
                shared.close();
                shared = null;
                sharedKey = null;
            }
            database = null;
        }
    }

    private MongoCollection<Document> collection(final String table)
    {
        return collections.computeIfAbsent(table, database::getCollection);
    }

    @Override
    public Status read(final String table, final String key, final Set<String> fields, final Map<String, ByteIterator> result)
    {
        try
        {
            final Document doc = project(collection(table).find(Filters.eq(ID, key)), fields).first();
            if (doc == null)
            {
                return Status.NOT_FOUND;
            }
            copy(doc, result);
            return Status.OK;
        }
        catch (final MongoException e)
        {
            return error("read", e);
        }
    }

    @Override
    public Status scan(final String table, final String startkey, final int recordcount, final Set<String> fields,
        final Vector<HashMap<String, ByteIterator>> result)
    {
        try
        {
            for (final Document doc : project(collection(table).find(Filters.gte(ID, startkey)), fields)
                .sort(Sorts.ascending(ID)).limit(recordcount))
            {
                final HashMap<String, ByteIterator> values = new HashMap<>();
                copy(doc, values);
                result.add(values);
            }
            return Status.OK;
        }
        catch (final MongoException e)
        {
            return error("scan", e);
        }
    }

    @Override
    public Status update(final String table, final String key, final Map<String, ByteIterator> values)
    {
        try
        {
            final long matched = collection(table).updateOne(Filters.eq(ID, key), new Document("$set", fields(values)))
                .getMatchedCount();
            return matched == 1 ? Status.OK : Status.NOT_FOUND;
        }
        catch (final MongoException e)
        {
            return error("update", e);
        }
    }

    @Override
    public Status insert(final String table, final String key, final Map<String, ByteIterator> values)
    {
        try
        {
            collection(table).insertOne(fields(values).append(ID, key));
            return Status.OK;
        }
        catch (final MongoException e)
        {
            return error("insert", e);
        }
    }

    @Override
    public Status delete(final String table, final String key)
    {
        try
        {
            return collection(table).deleteOne(Filters.eq(ID, key)).getDeletedCount() == 1 ? Status.OK : Status.NOT_FOUND;
        }
        catch (final MongoException e)
        {
            return error("delete", e);
        }
    }

    private static FindIterable<Document> project(final FindIterable<Document> find, final Set<String> fields)
    {
        return fields == null ? find : find.projection(Projections.include(new ArrayList<>(fields)));
    }

    private static Document fields(final Map<String, ByteIterator> values)
    {
        final Document doc = new Document();
        for (final Map.Entry<String, ByteIterator> e : values.entrySet())
        {
            doc.append(e.getKey(), e.getValue().toArray());
        }
        return doc;
    }

    private static void copy(final Document doc, final Map<String, ByteIterator> result)
    {
        for (final Map.Entry<String, Object> e : doc.entrySet())
        {
            if (e.getValue() instanceof Binary)
            {
                result.put(e.getKey(), new ByteArrayByteIterator(((Binary)e.getValue()).getData()));
            }
        }
    }

    /** An operation failed: YCSB counts the status; the first failure of each thread is also printed, with its cause. */
    private Status error(final String operation, final MongoException e)
    {
        if (!reportedError)
        {
            reportedError = true;
            System.err.println("MongoDB " + operation + " failed: " + e);
        }
        return Status.ERROR;
    }
}
