package io.rpcool.bench.dsm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.rpcool.bench.fork.ServerSupport;
import io.rpcool.dsm.DsmAcceptor;
import io.rpcool.dsm.DsmConfig;
import io.rpcool.dsm.DsmHeap;

/**
 * Server JVM of the page fetches: owns the DSM heap at the start (the DSM's server side) and serves
 * a control connection on which every 24-byte request gets a 4 KiB reply, after reading the pages
 * it names back ({@link DsmCases#OP_TAKE}) or at once ({@link DsmCases#OP_ECHO}: the raw anchor).
 * Prints {@code READY <pager port>,<control port>}.
 */
public final class DsmFetchServer
{
    private static final int ACCEPT_MS = 60_000;

    private DsmFetchServer()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            ServerSupport.scratchDir(args);
            final DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);
            final ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            final Thread serving = new Thread(() -> serve(acceptor, control), "dsm-fetch-server");
            serving.setDaemon(true);
            serving.start();
            ServerSupport.serve(acceptor.port() + "," + control.getLocalPort(), () ->
            {
                control.close();
                acceptor.close();
            });
        }
        catch (final Throwable ex)
        {
            ServerSupport.fail(ex);
        }
    }

    private static void serve(final DsmAcceptor acceptor, final ServerSocket control)
    {
        try (DsmHeap heap = acceptor.accept(DsmConfig.of(DsmCases.HEAP_ADDRESS, DsmCases.HEAP_BYTES), ACCEPT_MS);
             Socket socket = control.accept())
        {
            socket.setTcpNoDelay(true);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            final byte[] request = new byte[DsmCases.CONTROL_BYTES];
            final ByteBuffer fields = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
            final byte[] reply = new byte[DsmCases.REPLY_BYTES];
            while (in.readNBytes(request, 0, request.length) == request.length)
            {
                if (fields.getLong(0) == DsmCases.OP_TAKE)
                {
                    for (long page = fields.getLong(8); page < fields.getLong(16); page++)
                    {
                        heap.getLong(DsmCases.HEAP_ADDRESS + page * DsmHeap.PAGE_SIZE);
                    }
                }
                out.write(reply);
            }
            System.out.println("server pager: " + DsmFetchClient.counters(heap));
        }
        catch (final IOException | RuntimeException ex)
        {
            // The client closed the control connection or died; the harness closes this JVM.
            ex.printStackTrace();
        }
    }
}
