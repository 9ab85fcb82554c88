package io.rpcool.examples.cooldb.nobench;

import java.util.Objects;

/**
 * One NoBench query with its parameters. Results are tables: a list of column names and rows of
 * JSON values.
 * <ul>
 *   <li>Q1 {@code SELECT str1, num}; Q2 {@code SELECT nested_obj.str, nested_obj.num}: one row per object.</li>
 *   <li>Q3 {@code SELECT sparse_XX0, sparse_XX9}; Q4 {@code SELECT sparse_XX0, sparse_YY0}: one row per
 *   object that has at least one of the two keys (an absent key is a null cell); objects with neither
 *   would be all-null rows and are left out.</li>
 *   <li>Q5 {@code str1 = v}; Q6 {@code num BETWEEN lo AND hi}; Q7 {@code dyn1 BETWEEN lo AND hi} (numeric
 *   dyn1 values only); Q8 {@code word = ANY nested_arr}; Q9 {@code sparse_XXX = v}: column {@code *},
 *   one whole document per row.</li>
 *   <li>Q10 {@code SELECT thousandth, COUNT(*) WHERE num BETWEEN lo AND hi GROUP BY thousandth}, by
 *   thousandth.</li>
 *   <li>Q11 {@code SELECT * FROM l JOIN r ON l.nested_obj.str = r.str1 WHERE l.num BETWEEN lo AND hi}:
 *   columns {@code l} and {@code r}, whole documents.</li>
 * </ul>
 * Q12, the bulk insert of the extra objects, is not a query and has no {@code NoBenchQuery}.
 *
 * @param id   1 to 11.
 * @param key1 first key: projected (Q3, Q4) or compared (Q9); else null.
 * @param key2 second projected key (Q3, Q4); else null.
 * @param text the value compared (Q5, Q8, Q9); else null.
 * @param lo   low end of the range, inclusive (Q6, Q7, Q10, Q11).
 * @param hi   high end of the range, inclusive.
 */
public record NoBenchQuery(int id, String key1, String key2, String text, long lo, long hi)
{
    public static final int FIRST = 1;
    public static final int LAST = 11;

    public NoBenchQuery
    {
        if (id < FIRST || id > LAST)
        {
            throw new IllegalArgumentException("no query Q" + id);
        }
        switch (id)
        {
            case 3, 4 ->
            {
                Objects.requireNonNull(key1, "key1");
                Objects.requireNonNull(key2, "key2");
            }
            case 5, 8 -> Objects.requireNonNull(text, "text");
            case 9 ->
            {
                Objects.requireNonNull(key1, "key1");
                Objects.requireNonNull(text, "text");
            }
            default ->
            {
            }
        }
    }

    public static NoBenchQuery q1()
    {
        return new NoBenchQuery(1, null, null, null, 0, 0);
    }

    public static NoBenchQuery q2()
    {
        return new NoBenchQuery(2, null, null, null, 0, 0);
    }

    /** @param xx 0 to 99: projects sparse_XX0 and sparse_XX9. */
    public static NoBenchQuery q3(final int xx)
    {
        return new NoBenchQuery(3, NoBench.sparseKey(xx * 10), NoBench.sparseKey(xx * 10 + 9), null, 0, 0);
    }

    /** @param xx 0 to 99; @param yy 0 to 99: projects sparse_XX0 and sparse_YY0. */
    public static NoBenchQuery q4(final int xx, final int yy)
    {
        return new NoBenchQuery(4, NoBench.sparseKey(xx * 10), NoBench.sparseKey(yy * 10), null, 0, 0);
    }

    public static NoBenchQuery q5(final String str1)
    {
        return new NoBenchQuery(5, null, null, str1, 0, 0);
    }

    public static NoBenchQuery q6(final long lo, final long hi)
    {
        return new NoBenchQuery(6, null, null, null, lo, hi);
    }

    public static NoBenchQuery q7(final long lo, final long hi)
    {
        return new NoBenchQuery(7, null, null, null, lo, hi);
    }

    public static NoBenchQuery q8(final String word)
    {
        return new NoBenchQuery(8, null, null, word, 0, 0);
    }

    /** @param k 0 to 999: compares sparse_%03d of k. */
    public static NoBenchQuery q9(final int k, final String value)
    {
        return new NoBenchQuery(9, NoBench.sparseKey(k), null, value, 0, 0);
    }

    public static NoBenchQuery q10(final long lo, final long hi)
    {
        return new NoBenchQuery(10, null, null, null, lo, hi);
    }

    public static NoBenchQuery q11(final long lo, final long hi)
    {
        return new NoBenchQuery(11, null, null, null, lo, hi);
    }

    @Override
    public String toString()
    {
        return switch (id)
        {
            case 1 -> "Q1 SELECT str1, num";
            case 2 -> "Q2 SELECT nested_obj.str, nested_obj.num";
            case 3, 4 -> "Q" + id + " SELECT " + key1 + ", " + key2;
            case 5 -> "Q5 WHERE str1 = " + text;
            case 6 -> "Q6 WHERE num BETWEEN " + lo + " AND " + hi;
            case 7 -> "Q7 WHERE dyn1 BETWEEN " + lo + " AND " + hi;
            case 8 -> "Q8 WHERE " + text + " = ANY nested_arr";
            case 9 -> "Q9 WHERE " + key1 + " = " + text;
            case 10 -> "Q10 COUNT(*) WHERE num BETWEEN " + lo + " AND " + hi + " GROUP BY thousandth";
            default -> "Q11 l JOIN r ON l.nested_obj.str = r.str1 WHERE l.num BETWEEN " + lo + " AND " + hi;
        };
    }
}
