package io.rpcool.examples.cooldb.store;

import static io.rpcool.mem.JsonNodeDescriptor.KIND_ARRAY;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_LONG;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_STRING;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.rpcool.examples.cooldb.nobench.NoBench;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import org.agrona.collections.Long2LongHashMap;

/**
 * CoolDB's index and query logic, shared by every front end (the shared-memory server and the gRPC
 * baseline), so both answer each query with the same algorithm; they differ only in how documents
 * arrive, how values are read ({@link ValueReader}) and how results leave ({@link ResultSink}).
 * <p>
 * The engine keeps, in Java memory, for every document its key and root handle; for every path (a
 * top-level key, or {@code key.member} for members of a top-level object) a {@link Column} of
 * handles; and the indexes NoBench's queries use: equality on {@code str1} and on every
 * {@code sparse_*} key, integer ranges on {@code num} and {@code dyn1}, and the string elements of
 * {@code nested_arr}. The documents themselves stay where the store keeps them.
 * <p>
 * Not thread-safe: a store serves its engine from one thread.
 */
public final class CoolDbEngine
{
    private static final String[] DOCUMENT_COLUMN = {"*"};
    private static final String[] JOIN_COLUMNS = {"l", "r"};
    private static final String[] GROUP_COLUMNS = {NoBench.THOUSANDTH, "count"};
    private static final String NESTED_STR_PATH = NoBench.NESTED_OBJ + "." + NoBench.NESTED_STR;
    private static final String NESTED_NUM_PATH = NoBench.NESTED_OBJ + "." + NoBench.NESTED_NUM;

    private final Long2LongHashMap docByKey = new Long2LongHashMap(-1);
    private long[] roots = new long[1024];
    private int docs;
    private final Map<String, Column> columns = new HashMap<>();
    private final StringIndex str1 = new StringIndex();
    private final Map<String, StringIndex> sparse = new HashMap<>();
    private final StringIndex words = new StringIndex();
    private final RangeIndex num = new RangeIndex();
    private final RangeIndex dyn1 = new RangeIndex();
    private Object[] pending = new Object[32];

    /**
     * @return number of documents.
     */
    public int size()
    {
        return docs;
    }

    /**
     * @param key a document key.
     * @return true if a document is stored under it.
     */
    public boolean contains(final long key)
    {
        return docByKey.get(key) >= 0;
    }

    /**
     * @param key a document key.
     * @return the root handle of the document stored under it, or 0.
     */
    public long root(final long key)
    {
        final long doc = docByKey.get(key);
        return doc < 0 ? 0 : roots[(int)doc];
    }

    /**
     * Add a document: the store has checked it and listed its fields.
     *
     * @param key    the document's key, not yet in the store.
     * @param root   handle of the document's root object.
     * @param fields its top-level and second-level members.
     * @param reader to read values the indexes need.
     * @return the document's id.
     * @throws IllegalArgumentException if the key is taken.
     */
    public int insert(final long key, final long root, final DocumentFields fields, final ValueReader reader)
    {
        if (contains(key))
        {
            throw new IllegalArgumentException("key " + key + " is already stored");
        }
        // Read everything the indexes need first: a reader may throw (a document changed under us),
        // and nothing may be half-added when it does.
        final int n = fields.size();
        if (pending.length < n)
        {
            pending = new Object[n * 2];
        }
        for (int i = 0; i < n; i++)
        {
            pending[i] = indexValue(fields.path(i), fields.handle(i), fields.kind(i), reader);
        }
        final int doc = docs;
        if (doc == roots.length)
        {
            roots = Arrays.copyOf(roots, doc * 2);
        }
        for (int i = 0; i < n; i++)
        {
            final String path = fields.path(i);
            final Object value = pending[i];
            pending[i] = null;
            Column column = columns.get(path);
            if (column == null)
            {
                column = new Column();
                columns.put(path, column);
            }
            if (!column.append(doc, fields.handle(i)) || value == null)
            {
                continue;
            }
            if (value instanceof String)
            {
                (path.equals(NoBench.STR1) ? str1 : sparse.computeIfAbsent(path, p -> new StringIndex()))
                    .add((String)value, doc);
            }
            else if (value instanceof Long)
            {
                (path.equals(NoBench.NUM) ? num : dyn1).add((Long)value, doc);
            }
            else
            {
                for (final String word : (String[])value)
                {
                    if (word != null)
                    {
                        words.add(word, doc);
                    }
                }
            }
        }
        roots[doc] = root;
        docByKey.put(key, doc);
        docs = doc + 1;
        return doc;
    }

    /**
     * @return what an index keeps of a field: the string of str1 or a sparse key, the number of num or
     * dyn1, the strings of nested_arr; null if the field is not indexed.
     */
    private static Object indexValue(final String path, final long handle, final int kind, final ValueReader reader)
    {
        if (kind == KIND_STRING && (path.equals(NoBench.STR1) || path.startsWith(NoBench.SPARSE_PREFIX)))
        {
            return reader.stringValue(handle);
        }
        if (kind == KIND_LONG && (path.equals(NoBench.NUM) || path.equals(NoBench.DYN1)))
        {
            return reader.longValue(handle);
        }
        if (kind == KIND_ARRAY && path.equals(NoBench.NESTED_ARR))
        {
            final String[] elements = new String[reader.elementCount(handle)];
            for (int e = 0; e < elements.length; e++)
            {
                elements[e] = reader.elementString(handle, e);
            }
            return elements;
        }
        return null;
    }

    /**
     * Run a query.
     *
     * @param query  Q1 to Q11.
     * @param reader to read stored values (Q10's group keys, Q11's join keys).
     * @param sink   receives the result.
     * @return number of rows.
     */
    public int query(final NoBenchQuery query, final ValueReader reader, final ResultSink sink)
    {
        switch (query.id())
        {
            case 1:
                return project(NoBench.STR1, NoBench.NUM, sink);
            case 2:
                return project(NESTED_STR_PATH, NESTED_NUM_PATH, sink);
            case 3:
            case 4:
                return project(query.key1(), query.key2(), sink);
            case 5:
                return documents(str1.lookup(query.text()), sink);
            case 6:
                return documents(num.lookup(query.lo(), query.hi()), sink);
            case 7:
                return documents(dyn1.lookup(query.lo(), query.hi()), sink);
            case 8:
                return documents(words.lookup(query.text()), sink);
            case 9:
                return documents(equal(query.key1(), query.text(), reader), sink);
            case 10:
                return groupCount(num.lookup(query.lo(), query.hi()), reader, sink);
            case 11:
                return join(num.lookup(query.lo(), query.hi()), reader, sink);
            default:
                throw new IllegalArgumentException("no query Q" + query.id());
        }
    }

    private int[] equal(final String path, final String value, final ValueReader reader)
    {
        final StringIndex index = sparse.get(path);
        if (index != null)
        {
            return index.lookup(value);
        }
        if (path.equals(NoBench.STR1))
        {
            return str1.lookup(value);
        }
        // no index on the path: scan its column
        final Column column = columns.get(path);
        if (column == null)
        {
            return new int[0];
        }
        int[] result = new int[8];
        int n = 0;
        for (int i = 0; i < column.size(); i++)
        {
            final long h = column.handleAt(i);
            if (reader.kind(h) == KIND_STRING && value.equals(reader.stringValue(h)))
            {
                if (n == result.length)
                {
                    result = Arrays.copyOf(result, n * 2);
                }
                result[n++] = column.docId(i);
            }
        }
        return Arrays.copyOf(result, n);
    }

    /**
     * Two paths of every document that has at least one of them, by document id.
     */
    private int project(final String path1, final String path2, final ResultSink sink)
    {
        final Column a = columns.get(path1);
        final Column b = columns.get(path2);
        final int na = a == null ? 0 : a.size();
        final int nb = b == null ? 0 : b.size();
        int rows = 0;
        for (int i = 0, j = 0; i < na || j < nb; rows++)
        {
            final int da = i < na ? a.docId(i) : Integer.MAX_VALUE;
            final int db = j < nb ? b.docId(j) : Integer.MAX_VALUE;
            if (da <= db)
            {
                i++;
            }
            if (db <= da)
            {
                j++;
            }
        }
        sink.begin(new String[] {path1, path2}, rows, 0);
        for (int i = 0, j = 0; i < na || j < nb; )
        {
            final int da = i < na ? a.docId(i) : Integer.MAX_VALUE;
            final int db = j < nb ? b.docId(j) : Integer.MAX_VALUE;
            sink.cell(da <= db ? a.handleAt(i) : 0);
            sink.cell(db <= da ? b.handleAt(j) : 0);
            if (da <= db)
            {
                i++;
            }
            if (db <= da)
            {
                j++;
            }
        }
        return rows;
    }

    private int documents(final int[] docIds, final ResultSink sink)
    {
        sink.begin(DOCUMENT_COLUMN, docIds.length, 0);
        for (final int doc : docIds)
        {
            sink.cell(roots[doc]);
        }
        return docIds.length;
    }

    private int groupCount(final int[] docIds, final ValueReader reader, final ResultSink sink)
    {
        final Column thousandth = columns.get(NoBench.THOUSANDTH);
        final Long2LongHashMap counts = new Long2LongHashMap(-1);
        if (thousandth != null)
        {
            for (final int doc : docIds)
            {
                final long h = thousandth.lookup(doc);
                if (h != 0 && reader.kind(h) == KIND_LONG)
                {
                    final long group = reader.longValue(h);
                    counts.put(group, Math.max(0, counts.get(group)) + 1);
                }
            }
        }
        final long[] groups = new long[counts.size()];
        int n = 0;
        for (final Long2LongHashMap.KeyIterator it = counts.keySet().iterator(); it.hasNext(); )
        {
            groups[n++] = it.nextValue();
        }
        Arrays.sort(groups);
        sink.begin(GROUP_COLUMNS, groups.length, 2 * groups.length);
        for (final long group : groups)
        {
            sink.number(group);
            sink.number(counts.get(group));
        }
        return groups.length;
    }

    private int join(final int[] left, final ValueReader reader, final ResultSink sink)
    {
        final Column nested = columns.get(NESTED_STR_PATH);
        int[] pairs = new int[2 * left.length];
        int n = 0;
        if (nested != null)
        {
            for (final int l : left)
            {
                final long h = nested.lookup(l);
                if (h == 0 || reader.kind(h) != KIND_STRING)
                {
                    continue;
                }
                for (final int r : str1.lookup(reader.stringValue(h)))
                {
                    if (n == pairs.length)
                    {
                        pairs = Arrays.copyOf(pairs, Math.max(8, n * 2));
                    }
                    pairs[n++] = l;
                    pairs[n++] = r;
                }
            }
        }
        sink.begin(JOIN_COLUMNS, n / 2, 0);
        for (int i = 0; i < n; i++)
        {
            sink.cell(roots[pairs[i]]);
        }
        return n / 2;
    }
}
