package io.rpcool.examples.cooldb.nobench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded mix of NoBench queries Q1-Q11, each query type equally likely, with parameters drawn as
 * NoBench draws them for a data set of N objects:
 * <ul>
 *   <li>Q3: XX uniform in 0..99; Q4: XX and YY uniform and distinct.</li>
 *   <li>Q5: {@code str1 = enc(s)} for s uniform in 0..N-1 (exactly one match).</li>
 *   <li>Q6, Q7, Q11: a range of N/1000 values (0.1 %) starting uniformly in 0..N-N/1000.</li>
 *   <li>Q8: a word uniform over the word list (so rare words are as likely as common ones).</li>
 *   <li>Q9: {@code sparse_XXX} with XXX uniform in 0..999 and value {@code enc(k)}, k uniform in 0..10.</li>
 *   <li>Q10: a range of N/10 values (10 %).</li>
 * </ul>
 */
public final class QueryMix
{
    private final long count;
    private final WordList words;
    private final SplittableRandom random;

    /**
     * @param count N of the data set.
     * @param seed  of the mix.
     * @param words the list {@code nested_arr} was sampled from.
     */
    public QueryMix(final long count, final long seed, final WordList words)
    {
        this.count = count;
        this.words = words;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /**
     * @param queries how many.
     * @return the next {@code queries} queries of the mix.
     */
    public List<NoBenchQuery> next(final int queries)
    {
        final List<NoBenchQuery> list = new ArrayList<>(queries);
        for (int i = 0; i < queries; i++)
        {
            list.add(next());
        }
        return list;
    }

    /**
     * @return the next query, of a uniformly chosen type.
     */
    public NoBenchQuery next()
    {
        return query(NoBenchQuery.FIRST + random.nextInt(NoBenchQuery.LAST));
    }

    /**
     * @param id 1 to 11.
     * @return a query of that type with fresh parameters.
     */
    public NoBenchQuery query(final int id)
    {
        switch (id)
        {
            case 1:
                return NoBenchQuery.q1();
            case 2:
                return NoBenchQuery.q2();
            case 3:
                return NoBenchQuery.q3(random.nextInt(100));
            case 4:
            {
                final int xx = random.nextInt(100);
                final int yy = (xx + 1 + random.nextInt(99)) % 100;
                return NoBenchQuery.q4(xx, yy);
            }
            case 5:
                return NoBenchQuery.q5(NoBench.enc(random.nextLong(count)));
            case 6:
            {
                final long lo = rangeStart(count / 1000);
                return NoBenchQuery.q6(lo, lo + Math.max(1, count / 1000) - 1);
            }
            case 7:
            {
                final long lo = rangeStart(count / 1000);
                return NoBenchQuery.q7(lo, lo + Math.max(1, count / 1000) - 1);
            }
            case 8:
                return NoBenchQuery.q8(words.word(random.nextInt(words.size())));
            case 9:
                return NoBenchQuery.q9(random.nextInt(NoBench.SPARSE_KEYS), NoBench.enc(random.nextInt(11)));
            case 10:
            {
                final long lo = rangeStart(count / 10);
                return NoBenchQuery.q10(lo, lo + Math.max(1, count / 10) - 1);
            }
            case 11:
            {
                final long lo = rangeStart(count / 1000);
                return NoBenchQuery.q11(lo, lo + Math.max(1, count / 1000) - 1);
            }
            default:
                throw new IllegalArgumentException("no query Q" + id);
        }
    }

    private long rangeStart(final long width)
    {
        final long w = Math.max(1, width);
        return random.nextLong(Math.max(1, count - w + 1));
    }
}
