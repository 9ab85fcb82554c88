package io.rpcool.examples.cooldb.nobench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * English words ranked by frequency, and a Zipf sampler over the ranks: rank {@code r} (from 1) is
 * drawn with probability proportional to {@code 1 / r^exponent}. The shipped list is the 5000 most
 * frequent words of the Brown corpus ({@code words.txt} beside this class says how it was made).
 */
public final class WordList
{
    /** Zipf exponent of the word sampler. */
    public static final double ZIPF_EXPONENT = 1.0;

    private static volatile WordList english;

    private final String[] words;
    private final double[] cumulative;

    /**
     * @param words    most frequent first.
     * @param exponent Zipf exponent.
     */
    public WordList(final List<String> words, final double exponent)
    {
        if (words.isEmpty())
        {
            throw new IllegalArgumentException("empty word list");
        }
        this.words = words.toArray(new String[0]);
        this.cumulative = new double[this.words.length];
        double sum = 0;
        for (int r = 0; r < this.words.length; r++)
        {
            sum += 1.0 / Math.pow(r + 1, exponent);
            cumulative[r] = sum;
        }
        for (int r = 0; r < cumulative.length; r++)
        {
            cumulative[r] /= sum;
        }
        cumulative[cumulative.length - 1] = 1.0;
    }

    /**
     * @return the shipped list with {@link #ZIPF_EXPONENT}.
     */
    public static WordList english()
    {
        WordList list = english;
        if (list == null)
        {
            synchronized (WordList.class)
            {
                list = english;
                if (list == null)
                {
                    list = new WordList(load("words.txt"), ZIPF_EXPONENT);
                    english = list;
                }
            }
        }
        return list;
    }

    private static List<String> load(final String resource)
    {
        try (InputStream in = WordList.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException("word list " + resource + " missing from the classpath");
            }
            final List<String> words = new ArrayList<>();
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null)
            {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#"))
                {
                    words.add(line);
                }
            }
            return words;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    public int size()
    {
        return words.length;
    }

    /**
     * @param rank from 0 (most frequent).
     * @return the word.
     */
    public String word(final int rank)
    {
        return words[rank];
    }

    /**
     * @param random source.
     * @return a rank from 0, Zipf-distributed.
     */
    public int sampleRank(final SplittableRandom random)
    {
        final double u = random.nextDouble();
        final int i = Arrays.binarySearch(cumulative, u);
        return i >= 0 ? Math.min(i + 1, cumulative.length - 1) : -i - 1;
    }

    /**
     * @param random source.
     * @return a word drawn with Zipf frequencies.
     */
    public String sample(final SplittableRandom random)
    {
        return words[sampleRank(random)];
    }
}
