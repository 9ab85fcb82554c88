package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.rpcool.TestServerMain.Line;
import io.rpcool.TestServerMain.Order;

class HeapCopyTest
{
    @Test
    void shouldMoveAStructureFromOneConnectionsHeapToAnothers()
    {
        final Path dir = TestDirs.fresh("heap-copy");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).heapSize(1024 * 1024)))
        {
            rpc.openChannel("/a");
            rpc.openChannel("/b");
            try (Connection a = rpc.connect("/a"); Connection b = rpc.connect("/b"))
            {
                final Order order = new Order("o-9", List.of(new Line("fig", 4, 80)), Map.of("from", "a"));
                final long inA = a.copyFrom(order);
                final long inB = b.heap().copyFrom(a.heap().regions(), inA);
                assertNotEquals(inA, inB);
                assertFalse(a.heap().regions().contains(inB, 1), "the copy lives in b's heap only");
                assertTrue(b.heap().regions().contains(inB, 1));
                assertEquals(order, b.heap().materialize(inB, Order.class));
                assertThrows(io.rpcool.mem.SharedMemoryBoundsException.class, () -> b.heap().materialize(inA, Order.class),
                    "b's reader refuses a pointer into a's heap");
            }
        }
    }

    @Test
    void shouldRefusePointerRichArgumentsOverTheTcpFallback() throws Exception
    {
        final Path dir = TestDirs.fresh("heap-tcp");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = rpc.openChannel("/t");
            try (Connection tcp = rpc.connect("/t", ConnectOptions.remote("127.0.0.1", ch.tcpPort())))
            {
                final UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> tcp.copyFrom("x"));
                assertTrue(e.getMessage().contains("TCP"), e.getMessage());
            }
        }
    }
}
