package io.rpcool.dsm;

import java.util.function.BooleanSupplier;

import io.rpcool.harness.jvm.ChildJvm;

/**
 * Starting {@link DsmPeerMain} in a separate JVM and talking to it, with a deadline on every wait.
 */
final class TestPeers
{
    /** How long a child may take for one line (JVM start-up on a loaded 2-core machine included). */
    static final long LINE_MS = 60_000;

    private TestPeers()
    {
    }

    static ChildJvm server(final long address, final long size)
    {
        return ChildJvm.builder(DsmPeerMain.class).name("dsm-server").jvmFlags("-Xmx128m", "-XX:+UseSerialGC")
            .args("server", Long.toHexString(address), Long.toString(size)).start();
    }

    static ChildJvm client(final long address, final long size, final int port, final String... jvmFlags)
    {
        return ChildJvm.builder(DsmPeerMain.class).name("dsm-client").jvmFlags("-Xmx128m", "-XX:+UseSerialGC")
            .jvmFlags(jvmFlags).args("client", Long.toHexString(address), Long.toString(size), Integer.toString(port)).start();
    }

    /**
     * This JVM as the server of a heap, a child JVM as its client, both ready.
     *
     * @param heap    this JVM's side.
     * @param client  the child.
     */
    record Pair(DsmAcceptor acceptor, ChildJvm client, DsmHeap heap) implements AutoCloseable
    {
        @Override
        public void close()
        {
            try
            {
                heap.close();
            }
            finally
            {
                try
                {
                    client.close();
                }
                finally
                {
                    acceptor.close();
                }
            }
        }
    }

    static Pair serverHere(final long address, final long size)
    {
        final DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0);
        ChildJvm child = null;
        try
        {
            child = client(address, size, acceptor.port());
            final DsmHeap heap = acceptor.accept(DsmConfig.of(address, size), (int)LINE_MS);
            child.awaitLine("READY", LINE_MS);
            return new Pair(acceptor, child, heap);
        }
        catch (final RuntimeException ex)
        {
            if (child != null)
            {
                child.close();
            }
            acceptor.close();
            throw ex;
        }
    }

    static int port(final ChildJvm server)
    {
        return Integer.parseInt(server.awaitLine("PORT ", LINE_MS).substring(5));
    }

    /** Send a command and return its answer line. */
    static String ask(final ChildJvm peer, final String command)
    {
        peer.send(command);
        return peer.awaitLine(line -> !line.startsWith("PORT") && !line.startsWith("READY"), LINE_MS);
    }

    /** The number after an answer's first word, e.g. of "DIGEST 42". */
    static long number(final String answer)
    {
        return Long.parseLong(answer.substring(answer.indexOf(' ') + 1).trim());
    }

    static void await(final BooleanSupplier condition, final long timeoutMs, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("no " + what + " within " + timeoutMs + " ms");
            }
            Thread.sleep(1);
        }
    }
}
