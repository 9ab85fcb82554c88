package io.rpcool.bench.ycsb;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import site.ycsb.ByteIterator;
import site.ycsb.Client;
import site.ycsb.DB;
import site.ycsb.RandomByteIterator;
import site.ycsb.Status;
import site.ycsb.Utils;

/**
 * The YCSB client JVM: {@code <properties-file> <load|run> <warmup-ms>}. For {@code run} it first warms
 * the binding, the client and the server up for {@code warmup-ms} (reads and whole-record updates of
 * loaded keys, straight through the binding, as many threads as YCSB will use, so nothing reaches
 * YCSB's measurements), then hands over to YCSB's own {@link Client} ({@code -t} or {@code -load}
 * with the properties file), which runs the workload, exports its measurements and exits the JVM.
 */
public final class YcsbClientMain
{
    private YcsbClientMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final boolean load = "load".equals(args[1]);
        final long warmupMs = Long.parseLong(args[2]);
        final Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file))
        {
            props.load(in);
        }
        if (!load && warmupMs > 0)
        {
            warmUp(props, warmupMs);
        }
        Client.main(new String[] {load ? "-load" : "-t", "-P", file.toString()});
    }

    private static void warmUp(final Properties props, final long warmupMs) throws Exception
    {
        final int threads = Integer.parseInt(props.getProperty("threadcount", "1"));
        final long records = Long.parseLong(props.getProperty("recordcount"));
        final int fields = Integer.parseInt(props.getProperty("fieldcount", "10"));
        final int fieldLength = Integer.parseInt(props.getProperty("fieldlength", "100"));
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        final List<Thread> workers = new ArrayList<>();
        final Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++)
        {
            final DB db = (DB)Class.forName(props.getProperty("db")).getDeclaredConstructor().newInstance();
            db.setProperties(props);
            db.init();
            final Thread worker = new Thread(() ->
            {
                long ops = 0;
                long errors = 0;
                final ThreadLocalRandom random = ThreadLocalRandom.current();
                final Map<String, ByteIterator> result = new HashMap<>();
                try
                {
                    while (System.nanoTime() - deadline < 0)
                    {
                        final String key = "user" + Utils.hash(random.nextLong(records));
                        final Status status;
                        if (random.nextBoolean())
                        {
                            result.clear();
                            status = db.read("usertable", key, null, result);
                        }
                        else
                        {
                            final Map<String, ByteIterator> values = new HashMap<>();
                            for (int f = 0; f < fields; f++)
                            {
                                values.put("field" + f, new RandomByteIterator(fieldLength));
                            }
                            status = db.update("usertable", key, values);
                        }
                        ops++;
                        errors += status.isOk() ? 0 : 1;
                    }
                    System.err.println("warm-up: " + ops + " operations, " + errors + " not OK");
                    db.cleanup();
                }
                catch (final Exception | Error e)
                {
                    failure[0] = e;
                }
            }, "ycsb-warmup-" + t);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
        for (final Thread w : workers)
        {
            w.join(warmupMs + 60_000);
        }
        if (failure[0] != null)
        {
            throw new IOException("warm-up failed: " + failure[0], failure[0]);
        }
    }
}
