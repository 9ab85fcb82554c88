package io.rpcool;

import java.nio.file.Path;

/**
 * A server JVM for multi-process tests: serves {@code ECHO}, {@code SLOW} (sleeps the number of
 * milliseconds in the request), {@code ADDRESS} (replies the address at which it reads the request),
 * {@code HELLO} and {@code SEALED_PROTECTION} (sealed calls only) on the channel named by its arguments.
 *
 * <p>args: directory, channel name, memory domain[, "shared" for a shared heap[, data heap bytes one connection may add]]
 */
public final class TestServerMain
{
    public static final int ECHO = 1;
    public static final int SLOW = 2;
    public static final int ADDRESS = 3;
    public static final int HELLO = 4;
    /** Reply the call's protection name; only sealed (or copied) calls are accepted. */
    public static final int SEALED_PROTECTION = 5;
    /** Request: pointer to an {@link Order}; reply: the order's total and the address it was read at. */
    public static final int TOTAL = 6;
    /** Reply: pointer to a shared string the server allocated in the connection's heap. */
    public static final int GREETING = 7;
    /** Request: key (long) and pointer; the server keeps the pointer (shared-heap channels). */
    public static final int STORE = 8;
    /** Request: key; reply: the pointer stored under it. */
    public static final int LOAD = 9;

    /** A pointer-rich argument: nested records, a list and a map. */
    public record Line(String item, int quantity, long priceCents)
    {
    }

    public record Order(String id, java.util.List<Line> lines, java.util.Map<String, String> tags)
    {
    }

    private TestServerMain()
    {
    }

    /**
     * Open the channel; while this host is fenced (in a cluster whose ZooKeeper did not answer in
     * time, as on a host starved of CPU) wait for the fence to lift, as a server started at that
     * moment should, up to 30 s.
     */
    private static Channel openChannel(final Rpcool rpc, final String name, final ChannelOptions options) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (true)
        {
            try
            {
                return rpc.openChannel(name, options);
            }
            catch (final io.rpcool.daemon.DaemonException e)
            {
                if (e.code() != io.rpcool.daemon.ControlProtocol.E_FENCED || System.nanoTime() - deadline > 0)
                {
                    throw e;
                }
                System.err.println("TestServerMain: " + e.getMessage() + "; retrying");
                Thread.sleep(200);
            }
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext ctx = TestDirs.context(Path.of(args[0])).domain(args.length > 2 ? args[2] : "local")
            .daemonMode(RpcoolContext.DaemonMode.EXTERNAL).heapSize(1024 * 1024);
        final boolean sharedHeap = args.length > 3 && "shared".equals(args[3]);
        final java.util.Map<Long, Long> stored = new java.util.concurrent.ConcurrentHashMap<>();
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            // Per-connection limits have their own test (ConnectionQuotaTest): unless told, a connection may use the whole quota.
            final long connectionQuotaBytes = args.length > 4 ? Long.parseLong(args[4]) : Long.MAX_VALUE;
            final Channel ch = openChannel(rpc, args[1], ChannelOptions.defaults().handlerThreads(2).sharedHeap(sharedHeap)
                .connectionQuotaBytes(connectionQuotaBytes));
            ch.register(TOTAL, call ->
            {
                final long pointer = call.request().getLong(0);
                final Order order = call.heap().materialize(pointer, Order.class);
                long total = 0;
                for (final Line line : order.lines())
                {
                    total += line.quantity() * line.priceCents();
                }
                call.reply().putLong(0, total);
                call.reply().putLong(8, pointer);
                call.replyLength(16);
            });
            ch.register(GREETING, call ->
            {
                final long text = io.rpcool.mem.SharedString.allocate(call.heap(), "Hello from the server!");
                call.reply().putLong(0, text);
                call.replyLength(8);
                System.out.printf("GREETING at 0x%x%n", text);
                System.out.flush();
            });
            ch.register(STORE, call -> stored.put(call.request().getLong(0), call.request().getLong(8)));
            ch.register(LOAD, call ->
            {
                call.reply().putLong(0, stored.getOrDefault(call.request().getLong(0), 0L));
                call.replyLength(8);
            });
            ch.register(ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(SLOW, call -> Thread.sleep(call.request().getInt(0)));
            ch.register(ADDRESS, call ->
            {
                call.reply().putLong(0, call.request().addressOffset());
                call.replyLength(8);
            });
            ch.register(HELLO, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, "Hello!")));
            ch.register(SEALED_PROTECTION, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, call.protection().name())),
                io.rpcool.seal.SealRequirement.SEALED);
            System.out.println("READY " + ProcessHandle.current().pid() + " " + ch.tcpPort());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
