package io.rpcool.dsm;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A malicious or broken peer, played by a raw socket: every malformed message closes the
 * connection with a reason that names the problem, and the heap's memory stays as it was
 * (no page is installed, none given away).
 */
@Timeout(60)
class DsmProtocolTest
{
    private static final long ADDRESS = 0x5f40_0000_0000L;
    private static final int PAGES = 8;
    private static final long SIZE = PAGES * DsmHeap.PAGE_SIZE;
    private static final int TIMEOUT_MS = 10_000;

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            Arguments.of("bad magic", message(0x12345678, 1, DsmProtocol.REQUEST_PAGE, 2, 0, 1, 0), "bad magic"),
            Arguments.of("bad version", message(DsmProtocol.MAGIC, 9, DsmProtocol.REQUEST_PAGE, 2, 0, 1, 0), "version"),
            Arguments.of("unknown type", message(DsmProtocol.MAGIC, 1, 9, 0, 0, 1, 0), "unknown or unexpected message type 9"),
            Arguments.of("second HELLO", message(DsmProtocol.MAGIC, 1, DsmProtocol.HELLO, 0, 0, 1, 0), "unexpected message type 1"),
            Arguments.of("page outside the heap", message(DsmProtocol.MAGIC, 1, DsmProtocol.REQUEST_PAGE, 2, PAGES, 1, 0),
                "outside the heap"),
            Arguments.of("unsolicited PAGE", message(DsmProtocol.MAGIC, 1, DsmProtocol.PAGE, 0, 1, 1, DsmProtocol.PAGE_BYTES),
                "unsolicited PAGE 1"),
            Arguments.of("REQUEST with a payload", message(DsmProtocol.MAGIC, 1, DsmProtocol.REQUEST_PAGE, 2, 1, 1, 16),
                "length 16"),
            Arguments.of("REQUEST with a bad access", message(DsmProtocol.MAGIC, 1, DsmProtocol.REQUEST_PAGE, 7, 1, 1, 0),
                "access 7"),
            Arguments.of("sequence skips", message(DsmProtocol.MAGIC, 1, DsmProtocol.REQUEST_PAGE, 2, 1, 5, 0), "sequence 5"),
            Arguments.of("truncated header", truncated(), "inside a message"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldCloseTheConnectionAndLeaveTheHeapAlone(final String name, final byte[] bytes, final String reason) throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);
             Socket peer = new Socket())
        {
            peer.connect(new InetSocketAddress("127.0.0.1", acceptor.port()), TIMEOUT_MS);
            peer.setSoTimeout(TIMEOUT_MS);
            peer.getOutputStream().write(hello(ADDRESS, SIZE));
            try (DsmHeap heap = acceptor.accept(DsmConfig.of(ADDRESS, SIZE), TIMEOUT_MS))
            {
                for (int p = 0; p < PAGES; p++)
                {
                    heap.putLong(ADDRESS + p * DsmHeap.PAGE_SIZE, 1000 + p);
                }
                skip(peer.getInputStream(), DsmProtocol.HEADER_BYTES + DsmProtocol.HELLO_BYTES);
                peer.getOutputStream().write(bytes);
                if (name.startsWith("truncated"))
                {
                    peer.shutdownOutput();
                }
                assertEquals(-1, peer.getInputStream().read(), "the server should close the connection");
                TestPeers.await(() -> heap.status() != DsmHeap.RUNNING, TIMEOUT_MS, "end of the pager");
                assertEquals(DsmHeap.PROTOCOL_ERROR, heap.status(), heap.reason());
                assertTrue(heap.reason().contains(reason), heap.reason());
                for (int p = 0; p < PAGES; p++)
                {
                    assertEquals(1000 + p, heap.getLong(ADDRESS + p * DsmHeap.PAGE_SIZE), "page " + p);
                    assertTrue(heap.owns(p));
                }
                assertEquals(0, heap.counter(DsmHeap.COUNTER_PAGES_IN));
                assertEquals(0, heap.counter(DsmHeap.COUNTER_PAGES_OUT));
            }
        }
    }

    @Test
    void shouldRefuseAHelloForAnotherHeap() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);
             Socket peer = new Socket())
        {
            peer.connect(new InetSocketAddress("127.0.0.1", acceptor.port()), TIMEOUT_MS);
            peer.setSoTimeout(TIMEOUT_MS);
            peer.getOutputStream().write(hello(ADDRESS + DsmHeap.PAGE_SIZE, SIZE));
            final DsmException refused = assertThrows(DsmException.class,
                () -> acceptor.accept(DsmConfig.of(ADDRESS, SIZE), TIMEOUT_MS));
            assertTrue(refused.getMessage().contains("HELLO: the peer maps 0x5f4000001000"), refused.getMessage());
            skip(peer.getInputStream(), DsmProtocol.HEADER_BYTES + DsmProtocol.HELLO_BYTES);
            assertEquals(-1, peer.getInputStream().read());
        }
    }

    @Test
    void shouldRefuseAHelloWithABadMagic() throws Exception
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);
             Socket peer = new Socket())
        {
            peer.connect(new InetSocketAddress("127.0.0.1", acceptor.port()), TIMEOUT_MS);
            final byte[] hello = hello(ADDRESS, SIZE);
            hello[0] ^= 0x40;
            peer.getOutputStream().write(hello);
            final DsmException refused = assertThrows(DsmException.class,
                () -> acceptor.accept(DsmConfig.of(ADDRESS, SIZE), TIMEOUT_MS));
            assertTrue(refused.getMessage().contains("bad magic"), refused.getMessage());
        }
    }

    static byte[] hello(final long address, final long size)
    {
        final ByteBuffer b = ByteBuffer.wrap(message(DsmProtocol.MAGIC, 1, DsmProtocol.HELLO, 0, 0, 0, DsmProtocol.HELLO_BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(DsmProtocol.HEADER_BYTES + DsmProtocol.HELLO_ADDRESS_OFFSET, address);
        b.putLong(DsmProtocol.HEADER_BYTES + DsmProtocol.HELLO_SIZE_OFFSET, size);
        b.putInt(DsmProtocol.HEADER_BYTES + DsmProtocol.HELLO_PAGE_SIZE_OFFSET, (int)DsmHeap.PAGE_SIZE);
        b.putInt(DsmProtocol.HEADER_BYTES + DsmProtocol.HELLO_ROLE_OFFSET, DsmHeap.ROLE_CLIENT);
        return b.array();
    }

    static byte[] message(final int magic, final int version, final int type, final int access, final int page,
        final long sequence, final int length)
    {
        final ByteBuffer b = ByteBuffer.allocate(DsmProtocol.HEADER_BYTES + length).order(ByteOrder.LITTLE_ENDIAN);
        DsmProtocol.header(b, magic, version, type, access, page, length, sequence);
        for (int i = DsmProtocol.HEADER_BYTES; i < b.capacity(); i++)
        {
            b.put(i, (byte)0xEE);
        }
        return b.array();
    }

    private static byte[] truncated()
    {
        final byte[] whole = message(DsmProtocol.MAGIC, 1, DsmProtocol.REQUEST_PAGE, 2, 1, 1, 0);
        final byte[] part = new byte[10];
        System.arraycopy(whole, 0, part, 0, part.length);
        return part;
    }

    private static void skip(final InputStream in, final int bytes) throws IOException
    {
        assertEquals(bytes, in.readNBytes(bytes).length, "the server's HELLO");
    }
}
