package io.rpcool.examples.cooldb.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.rpcool.examples.cooldb.nobench.NoBenchGenerator;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.nobench.QueryMix;
import io.rpcool.examples.cooldb.nobench.WordList;

/**
 * The paper's CoolDB experiment from the client's side, the same for every system: generate the
 * NoBench data and the query mix from the seed and let the client get ready ({@link StoreClient#prepare},
 * untimed), then time three phases:
 * <ol>
 *   <li>build: insert the N objects in the generator's shuffled order, one call each;</li>
 *   <li>search: run the queries of the mix one after another, reading every result once
 *   ({@link StoreClient#query});</li>
 *   <li>Q12: insert the N/1000 extra objects with one bulk call.</li>
 * </ol>
 * Each phase's time includes what the client does to turn its objects into the system's form
 * (documents built in shared memory, or Protobuf messages) and to read the results.
 *
 * <p>As a main (a client JVM of the benchmark): {@code <system> <endpoint> <docs> <queries> <seed>};
 * prints progress lines and one {@code RESULT <json>} line.
 */
public final class CoolDbWorkload
{
    static final ObjectMapper JSON = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final long docs;
    private final int queries;
    private final long seed;

    public CoolDbWorkload(final long docs, final int queries, final long seed)
    {
        this.docs = docs;
        this.queries = queries;
        this.seed = seed;
    }

    /**
     * Run the three phases against a connected store.
     *
     * @param system name to put in the result.
     * @param client the store.
     * @param log    progress lines.
     * @return what was measured.
     */
    public WorkloadResult run(final String system, final StoreClient client, final PrintStream log)
    {
        final WordList words = WordList.english();
        final NoBenchGenerator generator = new NoBenchGenerator(docs, seed, words);
        final List<NoBenchObject> objects = generator.objects();
        final List<NoBenchObject> extra = generator.extraObjects();
        final List<NoBenchQuery> mix = new QueryMix(docs, seed, words).next(queries);
        log.printf("%s: generated %d objects, %d extra, %d queries%n", system, objects.size(), extra.size(), mix.size());
        client.prepare();

        final long buildStart = System.nanoTime();
        for (final NoBenchObject object : objects)
        {
            client.insert(object.s(), object);
        }
        final double buildMs = (System.nanoTime() - buildStart) / 1e6;
        log.printf("%s: build %d documents in %.1f ms%n", system, objects.size(), buildMs);

        final int[] count = new int[NoBenchQuery.LAST + 1];
        final long[] timeNs = new long[NoBenchQuery.LAST + 1];
        final long[] rows = new long[NoBenchQuery.LAST + 1];
        final long[] digests = new long[NoBenchQuery.LAST + 1];
        final long searchStart = System.nanoTime();
        for (final NoBenchQuery query : mix)
        {
            final long start = System.nanoTime();
            final long[] result = client.query(query);
            timeNs[query.id()] += System.nanoTime() - start;
            count[query.id()]++;
            rows[query.id()] += result[0];
            digests[query.id()] += result[1];
        }
        final double searchMs = (System.nanoTime() - searchStart) / 1e6;
        log.printf("%s: search %d queries in %.1f ms%n", system, mix.size(), searchMs);

        final long[] keys = new long[extra.size()];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = extra.get(i).s();
        }
        final long bulkStart = System.nanoTime();
        final int added = extra.isEmpty() ? 0 : client.bulkInsert(keys, extra);
        final double bulkMs = (System.nanoTime() - bulkStart) / 1e6;
        log.printf("%s: Q12 bulk insert of %d documents in %.2f ms%n", system, added, bulkMs);

        final List<WorkloadResult.QueryStats> perQuery = new ArrayList<>();
        long digest = 0;
        for (int id = NoBenchQuery.FIRST; id <= NoBenchQuery.LAST; id++)
        {
            if (count[id] > 0)
            {
                perQuery.add(new WorkloadResult.QueryStats(id, count[id], timeNs[id] / 1e6, rows[id], digests[id]));
                digest += digests[id];
            }
        }
        return new WorkloadResult(system, objects.size(), mix.size(), buildMs, searchMs, bulkMs, added, digest, perQuery,
            client.waitingModes());
    }

    static String toJson(final WorkloadResult result)
    {
        try
        {
            return JSON.writeValueAsString(result);
        }
        catch (final java.io.IOException e)
        {
            throw new IllegalStateException(e);
        }
    }

    static WorkloadResult fromJson(final String json) throws java.io.IOException
    {
        return JSON.readValue(json, WorkloadResult.class);
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 5)
        {
            System.err.println("usage: CoolDbWorkload <system> <endpoint> <docs> <queries> <seed>");
            System.exit(2);
        }
        final String system = args[0];
        final CoolDbWorkload workload = new CoolDbWorkload(Long.parseLong(args[2]), Integer.parseInt(args[3]),
            Long.parseLong(args[4]));
        final WorkloadResult result;
        try (StoreClient client = StoreClients.connect(system, args[1]))
        {
            result = workload.run(system, client, System.out);
        }
        System.out.println(WorkloadResult.PREFIX + toJson(result));
        System.out.flush();
        System.exit(0);
    }
}
