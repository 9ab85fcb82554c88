package io.rpcool.bench.ycsb.mongo;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;

import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/** A binding of one YCSB client thread, counting the operations that did not return {@link Status#OK}. */
final class CountingDb extends DB
{
    private final DB db;
    long failed;

    CountingDb(final DB db)
    {
        this.db = db;
    }

    private Status count(final Status status)
    {
        if (!status.isOk())
        {
            failed++;
        }
        return status;
    }

    @Override
    public void setProperties(final Properties p)
    {
        db.setProperties(p);
    }

    @Override
    public Properties getProperties()
    {
        return db.getProperties();
    }

    @Override
    public void init() throws DBException
    {
        db.init();
    }

    @Override
    public void cleanup() throws DBException
    {
        db.cleanup();
    }

    @Override
    public Status read(final String table, final String key, final Set<String> fields, final Map<String, ByteIterator> result)
    {
        return count(db.read(table, key, fields, result));
    }

    @Override
    public Status scan(final String table, final String startkey, final int recordcount, final Set<String> fields,
        final Vector<HashMap<String, ByteIterator>> result)
    {
        return count(db.scan(table, startkey, recordcount, fields, result));
    }

    @Override
    public Status update(final String table, final String key, final Map<String, ByteIterator> values)
    {
        return count(db.update(table, key, values));
    }

    @Override
    public Status insert(final String table, final String key, final Map<String, ByteIterator> values)
    {
        return count(db.insert(table, key, values));
    }

    @Override
    public Status delete(final String table, final String key)
    {
        return count(db.delete(table, key));
    }
}
