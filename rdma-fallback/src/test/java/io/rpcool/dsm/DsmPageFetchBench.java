package io.rpcool.dsm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;

import io.rpcool.harness.jvm.ChildJvm;

/**
 * {@code page-fetch-1}: the time a read of a page the peer owns takes (fault, REQUEST_PAGE, PAGE,
 * UFFDIO_COPY, wake), p50 over fresh pages, against the anchor measured in the same run: a raw TCP
 * round trip carrying a 24-byte request and a 4 KiB reply between the same two JVMs. Not a test;
 * run by hand (see DESIGN.md). Prints {@code page-fetch-1 p50 ... raw-4k-rtt p50 ... ratio ...}.
 */
public final class DsmPageFetchBench
{
    private static final long ADDRESS = 0x5f60_0000_0000L;
    private static final int PAGES = 8192;
    private static final int ROUNDS = 3;

    private DsmPageFetchBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long size = PAGES * DsmHeap.PAGE_SIZE;
        final long[] fetch = new long[PAGES * ROUNDS];
        final long[] raw = new long[PAGES * ROUNDS];
        try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);
             ChildJvm peer = TestPeers.client(ADDRESS, size, acceptor.port());
             DsmHeap heap = acceptor.accept(DsmConfig.of(ADDRESS, size), 60_000))
        {
            peer.awaitLine("READY", TestPeers.LINE_MS);
            final int echoPort = (int)TestPeers.number(TestPeers.ask(peer, "echo-server"));
            try (Socket socket = new Socket("127.0.0.1", echoPort))
            {
                socket.setTcpNoDelay(true);
                final OutputStream out = socket.getOutputStream();
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final byte[] request = new byte[DsmProtocol.HEADER_BYTES];
                final byte[] reply = new byte[DsmProtocol.PAGE_BYTES];
                for (int round = 0; round < ROUNDS; round++)
                {
                    // The client takes every page (and writes it), then this side reads each back: one fetch each.
                    TestPeers.ask(peer, "increment " + round + " " + PAGES * 4 + " 1 " + PAGES);
                    for (int p = 0; p < PAGES; p++)
                    {
                        final long start = System.nanoTime();
                        heap.getLong(ADDRESS + p * DsmHeap.PAGE_SIZE + 8);
                        fetch[round * PAGES + p] = System.nanoTime() - start;
                        final long rawStart = System.nanoTime();
                        out.write(request);
                        in.readFully(reply);
                        raw[round * PAGES + p] = System.nanoTime() - rawStart;
                    }
                }
            }
            final long fetchP50 = p50(Arrays.copyOfRange(fetch, PAGES, fetch.length));
            final long rawP50 = p50(Arrays.copyOfRange(raw, PAGES, raw.length));
            System.out.printf("page-fetch-1 p50 %d ns, raw-4k-rtt p50 %d ns, ratio %.2f (%d fetches after a warm-up round)%n",
                fetchP50, rawP50, (double)fetchP50 / rawP50, fetch.length - PAGES);
        }
    }

    /** Serve the anchor: for every 24 bytes read, write 4 KiB back; on a daemon thread. */
    static int echoServer() throws IOException
    {
        final ServerSocket server = new ServerSocket(0);
        final Thread thread = new Thread(() ->
        {
            try (ServerSocket listening = server; Socket socket = listening.accept())
            {
                socket.setTcpNoDelay(true);
                final InputStream in = socket.getInputStream();
                final OutputStream out = socket.getOutputStream();
                final byte[] request = new byte[DsmProtocol.HEADER_BYTES];
                final byte[] reply = new byte[DsmProtocol.PAGE_BYTES];
                while (in.readNBytes(request, 0, request.length) == request.length)
                {
                    out.write(reply);
                }
            }
            catch (final IOException ignore)
            {
                // the benchmark closed the connection
            }
        }, "echo-4k");
        thread.setDaemon(true);
        thread.start();
        return server.getLocalPort();
    }

    private static long p50(final long[] samples)
    {
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }
}
