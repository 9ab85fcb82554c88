package io.rpcool.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Status;
import io.rpcool.Transport;
import io.rpcool.service.sample.CatalogLite;
import io.rpcool.service.sample.CatalogLiteRpc;
import io.rpcool.service.sample.CatalogRpc;
import io.rpcool.service.sample.CatalogV2Rpc;

/**
 * Mismatched interfaces and bad input between two JVMs: each is a clear status naming the service and
 * method, never a garbage decode, and the server keeps serving.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServiceFailureTest
{
    @ParameterizedTest
    @ValueSource(strings = {"local", "other-domain"})
    void shouldRefuseAMismatchedInterfaceAtConnectNamingTheMethod(final String serverDomain) throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-mismatch", "/svc/v1", serverDomain))
        {
            final Connection conn = f.conn;
            assertNotEquals(CatalogRpc.SERVICE.fingerprint(), CatalogV2Rpc.SERVICE.fingerprint());
            assertEquals(CatalogRpc.ADD.id(), CatalogV2Rpc.ADD.id(), "the same declaration gives the same id");
            assertNotEquals(CatalogRpc.GREET.id(), CatalogV2Rpc.GREET.id());
            final RpcException e = assertThrows(RpcException.class, () -> CatalogV2Rpc.stub(conn));
            assertEquals(Status.UNKNOWN_FUNCTION, e.status());
            assertTrue(e.getMessage().contains("service test.Catalog on /svc/v1 does not match this client's interface: " +
                "greet(java.lang.String,int)java.lang.String is not served; the server has greet(java.lang.String)java.lang.String"),
                e.getMessage());
            assertFalse(e.getMessage().contains("add("), "add matches: " + e.getMessage());

            // A client declaring a subset of the server's methods, exactly as the server does, is served.
            final CatalogLite lite = CatalogLiteRpc.stub(conn);
            assertEquals(5, lite.add(2, 3));
            assertEquals("Hello, Lite!", lite.greet("Lite"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "other-domain"})
    void shouldAnswerBadInputWithAClearStatusAndKeepServing(final String serverDomain) throws Exception
    {
        try (ServerFixture f = ServerFixture.start("svc-bad", "/svc/bad", serverDomain))
        {
            final Connection conn = f.conn;
            final CatalogRpc.Stub catalog = CatalogRpc.stub(conn);
            final RpcException thrown = assertThrows(RpcException.class, () -> catalog.fail("boom"));
            assertEquals(Status.HANDLER_FAILED, thrown.status());
            assertTrue(thrown.getMessage().contains("IllegalArgumentException: boom"), thrown.getMessage());

            try (ClientCall raw = conn.newCall(123_456))
            {
                assertEquals(Status.UNKNOWN_FUNCTION, assertThrows(RpcException.class, () -> raw.invoke(0)).status());

                // A string that claims 100 bytes and brings 3.
                final MutableDirectBuffer request = raw.functionId(CatalogRpc.GREET.id()).request();
                request.putLong(0, TimeUnit.SECONDS.toNanos(5));
                request.putInt(8, 100);
                request.putStringWithoutLengthAscii(12, "abc");
                final RpcException truncated = assertThrows(RpcException.class, () -> raw.invoke(15));
                assertEquals(Status.MALFORMED_REQUEST, truncated.status());
                assertTrue(truncated.getMessage().contains("the arguments of test.Catalog.greet(java.lang.String)java.lang.String " +
                    "do not decode"), truncated.getMessage());

                // Shorter than the header.
                final RpcException shortHeader = assertThrows(RpcException.class, () -> raw.invoke(4));
                assertEquals(Status.MALFORMED_REQUEST, shortHeader.status(), shortHeader.getMessage());

                // Bytes left over after the last argument: the two sides disagree about the method.
                raw.functionId(CatalogRpc.ADD.id()).request().putLong(0, TimeUnit.SECONDS.toNanos(5));
                raw.request().putInt(8, 1);
                raw.request().putInt(12, 2);
                raw.request().putInt(16, 3);
                final RpcException trailing = assertThrows(RpcException.class, () -> raw.invoke(20));
                assertEquals(Status.MALFORMED_REQUEST, trailing.status());
                assertTrue(trailing.getMessage().contains("unexpected bytes"), trailing.getMessage());
                raw.invoke(16);
                assertEquals(ServiceServer.IN_PLACE, raw.reply().getByte(0));
                assertEquals(3, raw.reply().getInt(ServiceServer.REPLY_HEADER_LENGTH), "the same call, well formed");

                // Arguments said to have spilled into the heap at an address outside it.
                raw.functionId(CatalogRpc.GREET.id()).request().putLong(0, TimeUnit.SECONDS.toNanos(5) | ServiceServer.SPILLED);
                raw.request().putLong(8, 0x1234_5678L);
                raw.request().putInt(16, 64);
                final RpcException wild = assertThrows(RpcException.class, () -> raw.invoke(ServiceServer.SPILLED_LENGTH));
                if (conn.transport() == Transport.SHARED_MEMORY)
                {
                    assertEquals(Status.MALFORMED_REQUEST, wild.status(), wild.getMessage());
                    assertTrue(wild.getMessage().contains("lie outside the connection's heaps"), wild.getMessage());
                }
                else
                {
                    assertEquals(Status.REJECTED, wild.status(), wild.getMessage());
                }

                // A call whose time ran out before it arrived is answered without running the handler.
                raw.functionId(CatalogRpc.RECORD.id()).request().putLong(0, 0);
                raw.request().putInt(8, 7);
                raw.request().putStringWithoutLengthAscii(12, "expired");
                final RpcException expired = assertThrows(RpcException.class, () -> raw.invoke(19));
                assertEquals(Status.DEADLINE_EXCEEDED, expired.status(), expired.getMessage());
                assertFalse(catalog.events().contains("expired"), "the handler of an expired call does not run");
            }
            assertEquals(5, catalog.add(2, 3), "the server keeps serving");
        }
    }
}
