package io.rpcool.dsm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The peer of the multi-process DSM tests, a separate JVM driven by lines on its stdin.
 * <pre>
 *   DsmPeerMain server ADDRESS SIZE            prints "PORT n", accepts one client, prints "READY"
 *   DsmPeerMain client ADDRESS SIZE PORT       connects, prints "READY"
 * </pre>
 * {@code -Drpcool.dsm.test.silenceMs=N} sets the heap's silence time.
 * Commands, one per line, each answered by one line: {@code put ADDR VALUE} (OK),
 * {@code get ADDR} (VALUE v), {@code walk} (DIGEST d), {@code bump DELTA} (DIGEST d),
 * {@code write SEED COUNT} (DIGEST d), {@code increment SEED STEPS SLOT PAGES} (DONE),
 * {@code warm ADDR PAGES} (SUM s: reads the first word of PAGES pages 100,000 times over, so the
 * accessors get compiled), {@code touch-async ADDR} (STARTED, then later TOUCHED VALUE v or
 * TOUCHED GONE message from another thread), {@code requests} (REQUESTS n),
 * {@code echo-server} (ECHO port: the anchor of {@link DsmPageFetchBench}), {@code status}
 * (STATUS s reason), {@code exit}. A lost page answers {@code GONE message}.
 * Addresses are hexadecimal.
 */
public final class DsmPeerMain
{
    private DsmPeerMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final long silenceMs = Long.getLong("rpcool.dsm.test.silenceMs", DsmConfig.DEFAULT_SILENCE_NS / 1_000_000);
        final DsmConfig config = new DsmConfig(Long.parseLong(args[1], 16), Long.parseLong(args[2]),
            DsmConfig.DEFAULT_HOLD_NS, silenceMs * 1_000_000);
        final DsmHeap heap;
        if ("server".equals(args[0]))
        {
            try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0))
            {
                System.out.println("PORT " + acceptor.port());
                heap = acceptor.accept(config, 60_000);
            }
        }
        else
        {
            heap = DsmHeap.connect("127.0.0.1", Integer.parseInt(args[3]), config, 60_000);
        }
        System.out.println("READY");
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !"exit".equals(line))
        {
            System.out.println(answer(heap, line.split(" ")));
        }
        heap.close();
        System.out.println("BYE");
    }

    private static long warm(final DsmHeap heap, final long address, final int pages)
    {
        long sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            sum += heap.getLong(address + (i % pages) * DsmHeap.PAGE_SIZE);
        }
        return sum;
    }

    private static void touchAsync(final DsmHeap heap, final long address)
    {
        final Thread toucher = new Thread(() ->
        {
            try
            {
                System.out.println("TOUCHED VALUE " + heap.getLong(address));
            }
            catch (final DsmPeerGoneException ex)
            {
                System.out.println("TOUCHED GONE " + ex.getMessage());
            }
        }, "toucher");
        toucher.setDaemon(true);
        toucher.start();
    }

    private static String answer(final DsmHeap heap, final String[] c) throws IOException
    {
        try
        {
            switch (c[0])
            {
                case "put":
                    heap.putLong(Long.parseLong(c[1], 16), Long.parseLong(c[2]));
                    return "OK";
                case "get":
                    return "VALUE " + heap.getLong(Long.parseLong(c[1], 16));
                case "walk":
                    return "DIGEST " + PointerList.walk(heap);
                case "bump":
                    return "DIGEST " + PointerList.bump(heap, Long.parseLong(c[1]));
                case "write":
                    return "DIGEST " + PointerList.write(heap, Long.parseLong(c[1]), Integer.parseInt(c[2]));
                case "increment":
                    Counters.increment(heap, Long.parseLong(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3]),
                        Integer.parseInt(c[4]));
                    return "DONE";
                case "warm":
                    return "SUM " + warm(heap, Long.parseLong(c[1], 16), Integer.parseInt(c[2]));
                case "touch-async":
                    touchAsync(heap, Long.parseLong(c[1], 16));
                    return "STARTED";
                case "echo-server":
                    return "ECHO " + DsmPageFetchBench.echoServer();
                case "requests":
                    return "REQUESTS " + heap.counter(DsmHeap.COUNTER_REQUESTS);
                case "status":
                    return "STATUS " + heap.status() + " " + heap.reason();
                default:
                    return "UNKNOWN " + c[0];
            }
        }
        catch (final DsmPeerGoneException ex)
        {
            return "GONE " + ex.getMessage();
        }
    }
}
