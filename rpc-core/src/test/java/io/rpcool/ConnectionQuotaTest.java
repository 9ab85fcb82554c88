package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.rpcool.daemon.ControlProtocol;
import io.rpcool.daemon.DaemonConfig;
import io.rpcool.daemon.DaemonException;
import io.rpcool.mem.Allocator;

/**
 * A server maps every client's data heaps, so its quota is shared by all its clients: one greedy
 * client must not be able to use it up for the others.
 */
class ConnectionQuotaTest
{
    private static final long HEAP = 1 << 20;

    @Test
    void shouldRefuseTheGreedyConnectionAndLetTheOthersAllocate()
    {
        final Path dir = TestDirs.fresh("conn-quota");
        final RpcoolContext serverContext = TestDirs.context(dir).heapSize(HEAP)
            .daemonConfig(new DaemonConfig().quotaBytes(64L << 20));
        try (Rpcool server = Rpcool.launch(serverContext);
            Rpcool greedy = Rpcool.launch(TestDirs.context(dir).heapSize(HEAP));
            Rpcool modest = Rpcool.launch(TestDirs.context(dir).heapSize(HEAP)))
        {
            server.openChannel("/shared/service", ChannelOptions.defaults().connectionQuotaBytes(8L << 20));
            try (Connection a = greedy.connect("/shared/service"); Connection b = modest.connect("/shared/service"))
            {
                int refusals = 0;
                long allocated = 0;
                DaemonException refusal = null;
                for (int i = 0; i < 64 && refusal == null; i++)
                {
                    try
                    {
                        assertNotEquals(Allocator.NULL_ADDRESS, a.heap().allocate(512 * 1024));
                        allocated += 512 * 1024;
                    }
                    catch (final DaemonException e)
                    {
                        refusal = e;
                        refusals++;
                    }
                }
                assertEquals(1, refusals, "the greedy connection is refused once it holds its share");
                assertEquals(ControlProtocol.E_QUOTA_EXCEEDED, refusal.code());
                assertTrue(refusal.getMessage().contains("per-connection limit"), refusal.getMessage());
                assertTrue(allocated <= 8L << 20, "no more than its share: " + allocated);
                for (int i = 0; i < 4; i++)
                {
                    assertNotEquals(Allocator.NULL_ADDRESS, b.heap().allocate(512 * 1024), "the other client still allocates");
                }
            }
        }
    }

    @Test
    void shouldRefuseAnImpossibleAllocationWithoutAddingAHeap()
    {
        final Path dir = TestDirs.fresh("huge-alloc");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).heapSize(HEAP)))
        {
            rpc.openChannel("/huge");
            try (Connection conn = rpc.connect("/huge"))
            {
                final int before = conn.heap().heaps().length;
                assertEquals(Allocator.NULL_ADDRESS, conn.heap().allocate(Long.MAX_VALUE));
                assertEquals(Allocator.NULL_ADDRESS, conn.heap().allocate(Long.MAX_VALUE / 2 + 1));
                assertEquals(before, conn.heap().heaps().length, "no heap was added for it");
                assertNotEquals(Allocator.NULL_ADDRESS, conn.heap().allocate(64), "the connection still allocates");
            }
        }
    }
}
