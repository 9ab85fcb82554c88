package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.daemon.DaemonConfig;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * Process leases on one host: the library renews its process's lease with the daemon; a process
 * that stops renewing (here: stopped with SIGSTOP, so its pid and socket stay alive) is treated as
 * dead, and its peers are told through their failure listeners.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessLeaseTest
{
    private static final long LEASE_MS = 1500;

    private static Rpcool embedded(final Path dir)
    {
        return Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)
            .daemonConfig(new DaemonConfig().leaseTimeoutMs(LEASE_MS)));
    }

    @Test
    void shouldTreatAServerThatStopsRenewingItsLeaseAsDeadAndTellItsClients() throws Exception
    {
        final Path dir = TestDirs.fresh("lease-stop");
        try (Rpcool rpc = embedded(dir);
            ChildJvm srv = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m", "-Drpcool.lease.renewMs=300")
                .args(dir.toString(), "/lease/x", "local").start())
        {
            srv.awaitLine("READY", 30_000);
            final Connection conn = rpc.connect("/lease/x");
            final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();
            conn.peerFailureListener((channel, message) -> told.add(channel + "|" + message));
            try (ClientCall call = conn.newCall(TestServerMain.ECHO))
            {
                call.invoke(0);
            }
            final ClientCall slow = conn.newCall(TestServerMain.SLOW);
            slow.request().putInt(0, 60_000);
            final CompletableFuture<ClientCall> pending = slow.invokeAsync(4);
            Thread.sleep(200);
            final long stoppedAt = System.nanoTime();
            srv.signal("STOP");
            try
            {
                final String message = told.poll(LEASE_MS + 5000, TimeUnit.MILLISECONDS);
                final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
                assertNotNull(message, "the failure listener was not called");
                assertTrue(message.startsWith("/lease/x|server of /lease/x failed: ") && message.contains("stopped renewing its lease"),
                    message);
                assertTrue(ms >= LEASE_MS - 500 && ms < LEASE_MS + 3000, "told " + ms + " ms after the server stopped");
                final ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
                assertEquals(Status.PEER_GONE, ((RpcException)e.getCause()).status());
                assertEquals(Status.PEER_GONE, assertThrows(RpcException.class, () -> conn.newCall(TestServerMain.ECHO)).status());
                assertFalse(rpc.stat().contains("pid " + srv.pid() + " "), rpc.stat());
                // Registering after the failure tells the listener at once.
                final LinkedBlockingQueue<String> late = new LinkedBlockingQueue<>();
                conn.peerFailureListener((channel, m) -> late.add(m));
                assertNotNull(late.poll(5, TimeUnit.SECONDS));
            }
            finally
            {
                srv.signal("CONT");
            }
            conn.close();
        }
    }

    @Test
    void shouldKeepAProcessThatRenewsItsLease() throws Exception
    {
        final Path dir = TestDirs.fresh("lease-keep");
        try (Rpcool rpc = embedded(dir);
            ChildJvm srv = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m", "-Drpcool.lease.renewMs=300")
                .args(dir.toString(), "/lease/y", "local").start();
            Connection conn = rpc.connect(awaitReady(srv, "/lease/y")))
        {
            final long start = rpc.leaseRenewals();
            Thread.sleep(3 * LEASE_MS);
            assertTrue(rpc.leaseRenewals() - start >= 3, "renewed " + (rpc.leaseRenewals() - start) + " times");
            try (ClientCall call = conn.newCall(TestServerMain.ECHO))
            {
                call.request().putInt(0, 42);
                call.invoke(4);
                assertEquals(42, call.reply().getInt(0));
            }
            assertTrue(rpc.stat().contains("lease renewed"), rpc.stat());
        }
    }

    private static String awaitReady(final ChildJvm p, final String channel)
    {
        p.awaitLine("READY", 30_000);
        return channel;
    }
}
