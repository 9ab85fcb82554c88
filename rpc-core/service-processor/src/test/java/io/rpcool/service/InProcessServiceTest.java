package io.rpcool.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.seal.SealRequirement;
import io.rpcool.service.sample.CatalogImpl;
import io.rpcool.service.sample.CatalogRpc;

/** The dispatcher against garbage, and a channel that requires seals; server and client in this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InProcessServiceTest
{
    /** Methods whose arguments cannot make the handler sleep or allocate without bound. */
    private static final List<ServiceMethod> FUZZED = List.of(CatalogRpc.ECHO_ORDER, CatalogRpc.MIRROR, CatalogRpc.COUNT_WORDS,
        CatalogRpc.REVERSE, CatalogRpc.BOXED, CatalogRpc.GREET, CatalogRpc.ADD, CatalogRpc.SHARED_LENGTH, CatalogRpc.SANDBOXED_LENGTH);
    /** HANDLER_FAILED: a shared-container argument at an address outside the connection's heaps. */
    private static final Set<Status> EXPECTED = Set.of(Status.OK, Status.MALFORMED_REQUEST, Status.HANDLER_FAILED,
        Status.SANDBOX_VIOLATION);

    private static Rpcool launch(final String name)
    {
        final Path dir = TestDirs.fresh(name);
        return Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
    }

    @Test
    void shouldAnswerRandomArgumentsWithAStatusAndKeepServing()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Map<Status, Integer> seen = new EnumMap<>(Status.class);
        try (Rpcool rpc = launch("svc-fuzz"))
        {
            final Channel ch = rpc.openChannel("/svc/fuzz", ChannelOptions.defaults().handlerThreads(1));
            CatalogRpc.bind(ch, new CatalogImpl());
            try (Connection conn = rpc.connect("/svc/fuzz"))
            {
                final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
                for (int i = 0; i < 3000; i++)
                {
                    final ServiceMethod m = FUZZED.get(random.nextInt(FUZZED.size()));
                    try (ClientCall call = conn.newCall(m.id()))
                    {
                        call.request().putLong(0, TimeUnit.SECONDS.toNanos(5));
                        final int length = ServiceServer.HEADER_LENGTH + random.nextInt(200);
                        for (int b = ServiceServer.HEADER_LENGTH; b < length; b++)
                        {
                            // Mostly small values, so that counts, lengths and presence bytes often make sense.
                            final int kind = random.nextInt(4);
                            call.request().putByte(b, (byte)(kind == 0 ? random.nextInt(256) : kind == 1 ? random.nextInt(3) : 0));
                        }
                        Status status = Status.OK;
                        try
                        {
                            call.invoke(length);
                        }
                        catch (final RpcException e)
                        {
                            status = e.status();
                        }
                        assertTrue(EXPECTED.contains(status), "seed " + seed + ": " + m + " answered " + status);
                        seen.merge(status, 1, Integer::sum);
                    }
                    if (i % 500 == 0)
                    {
                        assertEquals(i + 1, catalog.add(i, 1), "seed " + seed);
                    }
                }
                assertEquals(3, catalog.add(1, 2), "the server keeps serving");
            }
        }
        assertTrue(seen.getOrDefault(Status.MALFORMED_REQUEST, 0) > 100, "seed " + seed + ": " + seen);
    }

    @Test
    void shouldConnectToAChannelThatRequiresSealsAndSendItsSealedMethodsSealed()
    {
        try (Rpcool rpc = launch("svc-sealed-channel"))
        {
            final Channel ch = rpc.openChannel("/svc/sealed", ChannelOptions.defaults().requireSeal(SealRequirement.SEALED));
            CatalogRpc.bind(ch, new CatalogImpl());
            try (Connection conn = rpc.connect("/svc/sealed"))
            {
                final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
                assertEquals(31L * 1 + 2, catalog.checksum(new byte[] {1, 2}));
                final RpcException unsealed = assertThrows(RpcException.class, () -> catalog.add(1, 2));
                assertEquals(Status.REJECTED, unsealed.status(), unsealed.getMessage());
            }
        }
    }
}
