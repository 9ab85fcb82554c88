package io.rpcool.sandbox;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedString;

/**
 * The server in its own JVM, this JVM the hostile client: wild pointers into the other
 * connection's heap, past the RPC buffer, into unmapped memory and the server's own memory, and
 * huge lengths all come back as {@link Status#SANDBOX_VIOLATION}; the server keeps serving honest
 * calls, results it allocates in the RPC buffer stay there, its scratch is its own.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileClientTest
{
    @Test
    void shouldAnswerHostileCallsWithSandboxViolationsAndKeepServing() throws Exception
    {
        final Path dir = TestDirs.fresh("sb-hostile");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED).heapSize(1 << 20));
            ChildJvm server = ChildJvm.builder(SandboxServerMain.class).jvmFlags("-Xmx256m").args(dir.toString(), "/sb/walk").start())
        {
            server.awaitLine("READY", 30_000);
            try (Connection conn = rpc.connect("/sb/walk"); Connection victim = rpc.connect("/sb/walk");
                ClientCall call = conn.newCall(SandboxServerMain.WALK))
            {
                final RpcBuffer buffer = conn.createBuffer(64 * 1024);
                final long secret = victim.heap().allocate(64);
                HostileGraph.plantSecret(victim.heap().regions(), secret);
                final long sameHeap = conn.heap().allocate(64);
                HostileGraph.plantSecret(conn.heap().regions(), sameHeap);
                final HostileGraph.Targets targets = new HostileGraph.Targets(secret, sameHeap, 0x7fff_0000_0000L, 1 << 20,
                    0x10_0000L);
                final long firstFree = buffer.address() + buffer.length() - buffer.capacity();
                int violations = 0;
                int ok = 0;
                final SplittableRandom seeds = new SplittableRandom(42);
                for (int i = 0; i < 1500; i++)
                {
                    buffer.regions().setMemory(firstFree, buffer.region().end() - firstFree, (byte)0);
                    final HostileGraph g = HostileGraph.build(new SplittableRandom(seeds.nextLong()), buffer.region(),
                        firstFree, buffer.regions(), targets);
                    final HostileGraph.Outcome expected = g.expected();
                    call.request().putLong(0, buffer.address());
                    call.request().putLong(8, g.root());
                    try
                    {
                        call.invoke(16);
                        assertEquals(HostileGraph.Result.OK, expected.result());
                        assertEquals(expected.sum(), call.reply().getLong(0));
                        ok++;
                    }
                    catch (final RpcException e)
                    {
                        assertEquals(expected.result() == HostileGraph.Result.VIOLATION ? Status.SANDBOX_VIOLATION :
                            Status.HANDLER_FAILED, e.status(), e.getMessage());
                        violations += e.status() == Status.SANDBOX_VIOLATION ? 1 : 0;
                    }
                }
                assertTrue(violations > 100 && ok > 100, "violations " + violations + ", ok " + ok);

                // A wild RPC buffer address: outside every heap of the connection.
                call.request().putLong(0, secret);
                call.request().putLong(8, 0);
                RpcException e = assertThrows(RpcException.class, () -> call.invoke(16));
                assertEquals(Status.SANDBOX_VIOLATION, e.status(), "the other connection's heap is outside this one's");
                call.request().putLong(0, 0x7fff_0000_0000L);
                e = assertThrows(RpcException.class, () -> call.invoke(16));
                assertEquals(Status.SANDBOX_VIOLATION, e.status(), e.getMessage());

                // Results kept in the RPC buffer; the scratch copy was the server's own.
                buffer.reset();
                final long text = SharedString.allocate(buffer, "quiet please");
                call.functionId(SandboxServerMain.SHOUT);
                call.request().putLong(0, buffer.address());
                call.request().putLong(8, text);
                call.invoke(16);
                final long kept = call.reply().getLong(0);
                assertTrue(buffer.region().contains(kept, 8));
                assertEquals("QUIET PLEASE", SharedString.read(buffer.regions(), kept));
                assertFalse(conn.heap().regions().contains(call.reply().getLong(8), 1), "scratch is private to the server");

                // The server is alive and serves a second, honest client too.
                try (Connection honest = rpc.connect("/sb/walk"); ClientCall status = honest.newCall(SandboxServerMain.STATUS))
                {
                    status.invoke(0);
                    final String line = status.reply().getStringWithoutLengthAscii(0, status.replyLength());
                    assertTrue(line.startsWith("sandbox: "), line);
                }
            }
        }
    }
}
