package io.rpcool.examples.cooldb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.rpcool.Rpcool;
import io.rpcool.TestDirs;
import io.rpcool.examples.cooldb.bench.StoreClient;
import io.rpcool.examples.cooldb.bench.StoreClients;
import io.rpcool.examples.cooldb.grpc.GrpcCoolDbServer;
import io.rpcool.examples.cooldb.nobench.NoBench;
import io.rpcool.examples.cooldb.nobench.NoBenchGenerator;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.nobench.QueryMix;
import io.rpcool.examples.cooldb.nobench.WordList;
import io.rpcool.examples.cooldb.shm.CoolDbProtocol;
import io.rpcool.examples.cooldb.shm.CoolDbServer;
import io.rpcool.harness.jvm.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both stores, each in its own server JVM, loaded with the same NoBench data, answer every query
 * exactly as the plain reference does, in the same row order, and their clients' digests agree.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoolDbQueryEquivalenceTest
{
    private static final int N = 2000;

    @Test
    void shouldAnswerEveryQueryLikeTheReferenceOverSharedMemoryAndOverGrpc() throws Exception
    {
        final Path dir = TestDirs.fresh("cooldb-eq");
        try (ChildJvm shmServer = ChildJvm.builder(CoolDbServer.class)
                .jvmFlags("-Xmx256m", "-Drpcool.dir=" + dir, "-Dcooldb.heapSize=" + (32L << 20))
                .args(CoolDbProtocol.DEFAULT_CHANNEL).start();
            ChildJvm grpcServer = ChildJvm.builder(GrpcCoolDbServer.class).jvmFlags("-Xmx256m").args(dir.toString()).start())
        {
            shmServer.awaitLine("READY", 30_000);
            final String grpcEndpoint = grpcServer.awaitLine("READY", 30_000).substring("READY ".length());
            try (StoreClient shm = StoreClients.shm(Rpcool.launch(TestDirs.context(dir)), CoolDbProtocol.DEFAULT_CHANNEL);
                StoreClient grpc = StoreClients.connect(StoreClients.GRPC_PROTOBUF, grpcEndpoint))
            {
                final NoBenchGenerator generator = new NoBenchGenerator(N, 11, WordList.english());
                final ReferenceStore reference = new ReferenceStore();
                for (final NoBenchObject o : generator.objects())
                {
                    shm.insert(o.s(), o);
                    grpc.insert(o.s(), o);
                    reference.insert(o.toJava());
                }
                assertEquals(generator.object(17).toJava(), shm.get(17));
                assertEquals(generator.object(17).toJava(), grpc.get(17));

                final List<NoBenchQuery> queries = queries(generator);
                checkAll(queries, reference, shm, grpc);

                // Q12: the extra objects in one call, then they are found like the others
                final List<NoBenchObject> extra = generator.extraObjects();
                final long[] keys = extra.stream().mapToLong(NoBenchObject::s).toArray();
                assertEquals(extra.size(), shm.bulkInsert(keys, extra));
                assertEquals(extra.size(), grpc.bulkInsert(keys, extra));
                extra.forEach(o -> reference.insert(o.toJava()));
                checkAll(List.of(NoBenchQuery.q5(NoBench.enc(N)), NoBenchQuery.q6(N - 3, N + 5), NoBenchQuery.q1(),
                    NoBenchQuery.q10(0, N + 10)), reference, shm, grpc);
                assertEquals(generator.object(N + 1).toJava(), shm.get(N + 1));
            }
        }
    }

    private static List<NoBenchQuery> queries(final NoBenchGenerator generator)
    {
        final QueryMix mix = new QueryMix(N, 3, generator.words());
        final List<NoBenchQuery> queries = new ArrayList<>();
        for (int id = NoBenchQuery.FIRST; id <= NoBenchQuery.LAST; id++)
        {
            for (int i = 0; i < 4; i++)
            {
                queries.add(mix.query(id));
            }
        }
        // edges: no match, ranges past the data, words and values that occur, a string dyn1 range
        queries.add(NoBenchQuery.q5("nothing"));
        queries.add(NoBenchQuery.q6(N - 1, N + 100));
        queries.add(NoBenchQuery.q7(0, 100));
        queries.add(NoBenchQuery.q8("the"));
        queries.add(NoBenchQuery.q8("no-such-word"));
        queries.add(NoBenchQuery.q9(123, NoBench.enc(12 % 11)));
        queries.add(NoBenchQuery.q10(0, N - 1));
        queries.add(NoBenchQuery.q11(0, N - 1));
        queries.add(NoBenchQuery.q3(99));
        queries.add(NoBenchQuery.q4(0, 1));
        return queries;
    }

    private static void checkAll(final List<NoBenchQuery> queries, final ReferenceStore reference, final StoreClient shm,
        final StoreClient grpc)
    {
        int nonEmpty = 0;
        for (final NoBenchQuery q : queries)
        {
            final List<List<Object>> expected = reference.query(q);
            assertEquals(expected, shm.queryJava(q), "rpcool-shm: " + q);
            assertEquals(expected, grpc.queryJava(q), "grpc-protobuf: " + q);
            final long[] a = shm.query(q);
            final long[] b = grpc.query(q);
            assertEquals(expected.size(), a[0], q.toString());
            assertArrayEquals(a, b, "digests of " + q);
            nonEmpty += expected.isEmpty() ? 0 : 1;
        }
        assertTrue(nonEmpty > queries.size() / 2, "most queries have results: " + nonEmpty + " of " + queries.size());
    }
}
