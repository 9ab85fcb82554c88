package io.rpcool.examples.cooldb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.rpcool.examples.cooldb.nobench.NoBench;
import io.rpcool.examples.cooldb.nobench.NoBenchGenerator;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.nobench.QueryMix;
import io.rpcool.examples.cooldb.nobench.WordList;
import org.junit.jupiter.api.Test;

class NoBenchGeneratorTest
{
    private static final WordList WORDS = WordList.english();

    @Test
    void shouldEncodeLikePythonBase32OfBin()
    {
        // base64.b32encode(bin(x).encode()) in Python
        assertEquals("GBRDA===", NoBench.enc(0));
        assertEquals("GBRDC===", NoBench.enc(1));
        assertEquals("GBRDCMBR", NoBench.enc(5));
        assertEquals("GBRDCMBRGAYA====", NoBench.enc(20));
        assertEquals("GBRDCMJQGAYDAMBQGEYTCMBQGE======", NoBench.enc(12345));
        assertEquals("GBRDCMJQGAYDAMJRGAYTAMJQGAYDAMA=", NoBench.enc(100000));
    }

    @Test
    void shouldFollowTheNoBenchFieldRules()
    {
        final NoBenchGenerator generator = new NoBenchGenerator(1000, 7, WORDS);
        for (final long s : new long[] {0, 1, 2, 3, 20, 21, 499, 500, 999})
        {
            final NoBenchObject o = generator.object(s);
            final long half = (s + 500) % 1000;
            assertEquals(NoBench.enc(s), o.str1());
            assertEquals(s, o.num());
            assertEquals(s % 2 == 1, o.bool());
            assertEquals(NoBench.enc(half), o.str2());
            assertEquals(NoBench.enc(half), o.nestedStr());
            assertEquals(half, o.nestedNum());
            assertEquals(s % 20 == 0 ? NoBench.enc(s) : (Object)s, o.dyn1());
            final Object dyn2 = s % 3 == 2 ? (Object)s : s % 3 == 1 ? NoBench.enc(s) : (Object)(s % 2 == 1);
            assertEquals(dyn2, o.dyn2());
            assertEquals(s % 8, o.nestedArr().size());
            assertEquals((s % 100) * 10, o.sparseFirst());
            assertEquals(NoBench.enc(s % 11), o.sparseValue());
            assertEquals(s % 1000, o.thousandth());
        }
    }

    @Test
    void shouldBuildDocumentsWithNoBenchKeysInOrder()
    {
        final Map<String, Object> doc = new NoBenchGenerator(1000, 7, WORDS).object(123).toJava();
        assertEquals(List.of("str1", "str2", "num", "bool", "dyn1", "dyn2", "nested_obj", "nested_arr",
            "sparse_230", "sparse_231", "sparse_232", "sparse_233", "sparse_234", "sparse_235", "sparse_236", "sparse_237",
            "sparse_238", "sparse_239", "thousandth"), List.copyOf(doc.keySet()));
        final Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("str", NoBench.enc(623));
        nested.put("num", 623L);
        assertEquals(nested, doc.get("nested_obj"));
        assertEquals(NoBench.enc(123 % 11), doc.get("sparse_235"));
        assertEquals("sparse_007", NoBench.sparseKey(7));
    }

    @Test
    void shouldBeDeterministicForASeedAndShuffleAPermutation()
    {
        final NoBenchGenerator a = new NoBenchGenerator(5000, 42, WORDS);
        final NoBenchGenerator b = new NoBenchGenerator(5000, 42, WORDS);
        assertEquals(a.objects(), b.objects());
        assertEquals(a.extraObjects(), b.extraObjects());
        final int[] order = a.order();
        assertArrayEquals(order, b.order());
        assertNotEquals(Arrays.toString(order), Arrays.toString(new NoBenchGenerator(5000, 43, WORDS).order()));
        final int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++)
        {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(order, sorted), "objects come in a shuffled order");
        // an object does not depend on the order it is generated in
        assertEquals(a.object(1234), b.objects().stream().filter(o -> o.s() == 1234).findFirst().orElseThrow());
        assertEquals(new NoBenchQueryList(a).queries(), new NoBenchQueryList(b).queries());
    }

    @Test
    void shouldMakeNOver1000ExtraObjectsForQ12()
    {
        final List<NoBenchObject> extra = new NoBenchGenerator(5000, 1, WORDS).extraObjects();
        assertEquals(5, extra.size());
        assertEquals(5000, extra.get(0).s());
        assertEquals(NoBench.enc((5004 + 2500) % 5000), extra.get(4).str2());
    }

    @Test
    void shouldSampleWordsWithZipfFrequencies()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final int[] hits = new int[WORDS.size()];
        for (int i = 0; i < 200_000; i++)
        {
            hits[WORDS.sampleRank(random)]++;
        }
        assertEquals("the", WORDS.word(0));
        assertTrue(WORDS.size() >= 5000);
        // Zipf with exponent 1: rank 1 about twice as frequent as rank 2, ten times rank 10
        assertEquals(2.0, (double)hits[0] / hits[1], 0.2);
        assertEquals(10.0, (double)hits[0] / hits[9], 1.5);
        final Set<String> words = new HashSet<>();
        for (final NoBenchObject o : new NoBenchGenerator(2000, 5, WORDS).objects())
        {
            words.addAll(o.nestedArr());
        }
        assertTrue(words.contains("the"));
    }

    @Test
    void shouldDrawEveryQueryTypeWithNoBenchParameters()
    {
        final QueryMix mix = new QueryMix(100_000, 9, WORDS);
        final int[] seen = new int[12];
        for (final NoBenchQuery q : mix.next(2000))
        {
            seen[q.id()]++;
            switch (q.id())
            {
                case 3 -> assertTrue(q.key1().matches("sparse_\\d\\d0") && q.key2().equals(q.key1().substring(0, 9) + "9"), q.toString());
                case 4 -> assertTrue(q.key1().matches("sparse_\\d\\d0") && q.key2().matches("sparse_\\d\\d0") &&
                    !q.key1().equals(q.key2()), q.toString());
                case 6, 7, 11 -> assertEquals(99, q.hi() - q.lo(), q.toString());
                case 10 -> assertEquals(9999, q.hi() - q.lo(), q.toString());
                case 9 -> assertTrue(q.key1().matches("sparse_\\d{3}") && q.text().startsWith("GBR"), q.toString());
                default ->
                {
                }
            }
        }
        for (int id = 1; id <= 11; id++)
        {
            assertTrue(seen[id] > 100, "Q" + id + " drawn " + seen[id] + " times in 2000");
        }
    }

    /** The query mix of a generator's seed. */
    private record NoBenchQueryList(NoBenchGenerator generator)
    {
        List<NoBenchQuery> queries()
        {
            return new QueryMix(generator.count(), generator.seed(), generator.words()).next(50);
        }
    }
}
