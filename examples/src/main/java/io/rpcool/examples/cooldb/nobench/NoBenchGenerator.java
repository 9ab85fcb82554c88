package io.rpcool.examples.cooldb.nobench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded NoBench data: objects {@code 0..N-1} in a shuffled order, and {@code N/1000} extra objects
 * ({@code N..N+N/1000-1}, built with the same {@code N}) for the bulk insert of Q12.
 * <p>
 * Every field follows from {@code s} and {@code N} alone except {@code nested_arr}, whose words come
 * from a random source seeded by the generator's seed and {@code s}; so object {@code s} is the same
 * whatever order objects are generated in, and the same seed gives the same data set.
 */
public final class NoBenchGenerator
{
    private final long count;
    private final long seed;
    private final WordList words;

    /**
     * @param count N, the number of objects (at least 1).
     * @param seed  of the shuffle and the word samples.
     * @param words to sample {@code nested_arr} from.
     */
    public NoBenchGenerator(final long count, final long seed, final WordList words)
    {
        if (count < 1 || count > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("object count out of range: " + count);
        }
        this.count = count;
        this.seed = seed;
        this.words = words;
    }

    public long count()
    {
        return count;
    }

    public long seed()
    {
        return seed;
    }

    public WordList words()
    {
        return words;
    }

    /**
     * @param s the object's number (may be N or more for the extra objects).
     * @return object {@code s}.
     */
    public NoBenchObject object(final long s)
    {
        final long n = count;
        final long half = (s + n / 2) % n;
        final String encS = NoBench.enc(s);
        final String encHalf = NoBench.enc(half);
        final Object dyn1 = s % 20 == 0 ? encS : (Object)s;
        final Object dyn2;
        if (s % 3 == 2)
        {
            dyn2 = s;
        }
        else if (s % 3 == 1)
        {
            dyn2 = encS;
        }
        else
        {
            dyn2 = s % 2 == 1;
        }
        final int arrayLength = (int)(s % 8);
        final List<String> nestedArr = new ArrayList<>(arrayLength);
        if (arrayLength > 0)
        {
            final SplittableRandom random = new SplittableRandom(mix(seed, s));
            for (int i = 0; i < arrayLength; i++)
            {
                nestedArr.add(words.sample(random));
            }
        }
        return new NoBenchObject(s, encS, encHalf, s, s % 2 == 1, dyn1, dyn2, encHalf, half, List.copyOf(nestedArr),
            (int)(s % 100) * 10, NoBench.enc(s % 11), s % 1000);
    }

    /**
     * @return the object numbers 0..N-1 in the seeded shuffled order (Fisher-Yates).
     */
    public int[] order()
    {
        final int[] order = new int[(int)count];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * @return all N objects in the shuffled order.
     */
    public List<NoBenchObject> objects()
    {
        final int[] order = order();
        final List<NoBenchObject> objects = new ArrayList<>(order.length);
        for (final int s : order)
        {
            objects.add(object(s));
        }
        return objects;
    }

    /**
     * @return the N/1000 extra objects for Q12, numbered from N.
     */
    public List<NoBenchObject> extraObjects()
    {
        final List<NoBenchObject> extra = new ArrayList<>();
        for (long s = count; s < count + count / 1000; s++)
        {
            extra.add(object(s));
        }
        return extra;
    }

    static long mix(final long seed, final long s)
    {
        long z = seed * 0x9E3779B97F4A7C15L + s;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
