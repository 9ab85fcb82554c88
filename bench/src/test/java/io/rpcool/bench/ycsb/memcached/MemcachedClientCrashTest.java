package io.rpcool.bench.ycsb.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.rpcool.harness.jvm.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two client JVMs call a server JVM; one is killed with kill -9 mid-loop. The server keeps serving
 * the other and new clients, and over RPCool it closes the dead client's stream (which returns its
 * ring to the heap) once it sees that the client's process is gone.
 */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemcachedClientCrashTest
{
    @ParameterizedTest
    @EnumSource(MemcachedTransport.class)
    void shouldKeepServingOthersAndFreeTheStreamOfAKilledClient(final MemcachedTransport transport) throws Exception
    {
        try (MemcachedFixture f = new MemcachedFixture(transport).start();
            ChildJvm victim = client(f, "victim");
            ChildJvm survivor = client(f, "survivor"))
        {
            final String victimPid = victim.awaitLine("RUNNING", 60_000).substring("RUNNING ".length());
            survivor.awaitLine("RUNNING", 60_000);
            victim.kill9();
            if (transport == MemcachedTransport.RPCOOL_SHM)
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!f.serverLog().contains("client process " + victimPid + " is gone") && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                assertTrue(f.serverLog().contains("client process " + victimPid + " is gone"),
                    "the server did not close the dead client's stream: " + f.serverLog());
            }
            Thread.sleep(300);
            try (MemcachedClient c = f.connect())
            {
                c.set("after", "crash".getBytes(StandardCharsets.UTF_8));
                assertArrayEquals("crash".getBytes(StandardCharsets.UTF_8), c.get("after"));
            }
            survivor.closeStdin();
            assertEquals(0, survivor.awaitExit(30_000), "survivor: " + survivor.lines());
            final String done = survivor.awaitLine("DONE", 5_000);
            assertTrue(Long.parseLong(done.substring("DONE ".length())) > 1, done);
            assertTrue(f.server.isAlive());
        }
    }

    private static ChildJvm client(final MemcachedFixture f, final String name)
    {
        return ChildJvm.builder(LoopClientMain.class).name(name).jvmFlags("-Xmx128m")
            .args(f.transport.systemName(), f.endpoint, f.dir.resolve("daemon").toString()).start();
    }
}
