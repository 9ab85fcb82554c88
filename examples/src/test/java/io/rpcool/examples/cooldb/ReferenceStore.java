package io.rpcool.examples.cooldb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.rpcool.examples.cooldb.nobench.NoBenchQuery;

/**
 * The queries written out the plain way, over Java maps in insertion order, without indexes: what the
 * stores' answers are checked against. Row order follows the store's definition: Q1-Q5, Q8, Q9 by
 * insertion; Q6, Q7 by value, then insertion; Q10 by group; Q11 by the left document's num, then
 * insertion.
 */
final class ReferenceStore
{
    private final List<Map<String, Object>> docs = new ArrayList<>();

    void insert(final Map<String, Object> doc)
    {
        docs.add(doc);
    }

    List<List<Object>> query(final NoBenchQuery q)
    {
        switch (q.id())
        {
            case 1:
                return project(d -> d.get("str1"), d -> d.get("num"));
            case 2:
                return project(d -> nested(d, "str"), d -> nested(d, "num"));
            case 3:
            case 4:
                return project(d -> d.get(q.key1()), d -> d.get(q.key2()));
            case 5:
                return select(d -> q.text().equals(d.get("str1")));
            case 6:
                return range("num", q.lo(), q.hi());
            case 7:
                return range("dyn1", q.lo(), q.hi());
            case 8:
                return select(d -> d.get("nested_arr") instanceof List && ((List<?>)d.get("nested_arr")).contains(q.text()));
            case 9:
                return select(d -> q.text().equals(d.get(q.key1())));
            case 10:
            {
                final TreeMap<Long, Long> groups = new TreeMap<>();
                for (final Map<String, Object> d : docs)
                {
                    if (inRange(d.get("num"), q.lo(), q.hi()) && d.get("thousandth") instanceof Long)
                    {
                        groups.merge((Long)d.get("thousandth"), 1L, Long::sum);
                    }
                }
                final List<List<Object>> rows = new ArrayList<>();
                groups.forEach((k, v) -> rows.add(List.of(k, v)));
                return rows;
            }
            case 11:
            {
                final List<List<Object>> rows = new ArrayList<>();
                for (final List<Object> left : range("num", q.lo(), q.hi()))
                {
                    @SuppressWarnings("unchecked")
                    final Object key = nested((Map<String, Object>)left.get(0), "str");
                    for (final Map<String, Object> right : docs)
                    {
                        if (key != null && key.equals(right.get("str1")))
                        {
                            rows.add(List.of(left.get(0), right));
                        }
                    }
                }
                return rows;
            }
            default:
                throw new IllegalArgumentException("Q" + q.id());
        }
    }

    private static Object nested(final Map<String, Object> doc, final String key)
    {
        final Object nested = doc.get("nested_obj");
        return nested instanceof Map ? ((Map<?, ?>)nested).get(key) : null;
    }

    private List<List<Object>> project(final java.util.function.Function<Map<String, Object>, Object> a,
        final java.util.function.Function<Map<String, Object>, Object> b)
    {
        final List<List<Object>> rows = new ArrayList<>();
        for (final Map<String, Object> d : docs)
        {
            final Object x = a.apply(d);
            final Object y = b.apply(d);
            if (x != null || y != null)
            {
                final List<Object> row = new ArrayList<>();
                row.add(x);
                row.add(y);
                rows.add(row);
            }
        }
        return rows;
    }

    private List<List<Object>> select(final java.util.function.Predicate<Map<String, Object>> predicate)
    {
        final List<List<Object>> rows = new ArrayList<>();
        for (final Map<String, Object> d : docs)
        {
            if (predicate.test(d))
            {
                rows.add(List.of(d));
            }
        }
        return rows;
    }

    private List<List<Object>> range(final String key, final long lo, final long hi)
    {
        final List<Map<String, Object>> hits = new ArrayList<>();
        for (final Map<String, Object> d : docs)
        {
            if (inRange(d.get(key), lo, hi))
            {
                hits.add(d);
            }
        }
        hits.sort(Comparator.comparingLong(d -> (Long)d.get(key))); // stable: insertion order among equals
        final List<List<Object>> rows = new ArrayList<>();
        hits.forEach(d -> rows.add(List.of(d)));
        return rows;
    }

    private static boolean inRange(final Object value, final long lo, final long hi)
    {
        return value instanceof Long && (Long)value >= lo && (Long)value <= hi;
    }

    static boolean same(final Object a, final Object b)
    {
        return Objects.equals(a, b);
    }
}
