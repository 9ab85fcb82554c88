package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.rpcool.daemon.AddressSpace;
import io.rpcool.remote.RemoteHeaps;

/**
 * The DSM connection's checks that work without a DSM on the class path: every value a server
 * offers is validated, and impossible transport choices are refused with the reason.
 */
class RemoteDsmHeapTest
{
    private static final long MIB = 1L << 20;

    @Test
    void shouldRefuseEveryBadValueOfAServersOffer()
    {
        final long base = AddressSpace.DEFAULT_BASE;
        assertNull(RemoteDsmHeap.checkOffer(base + 4096, MIB, 4000, MIB));
        assertTrue(RemoteDsmHeap.checkOffer(base, 2 * MIB, 4000, MIB).contains("instead of the 1048576 bytes"));
        assertTrue(RemoteDsmHeap.checkOffer(base + 8, MIB, 4000, MIB).contains("page-aligned"));
        assertTrue(RemoteDsmHeap.checkOffer(base - 4096, MIB, 4000, MIB).contains("window"));
        assertTrue(RemoteDsmHeap.checkOffer(AddressSpace.DEFAULT_END - 4096, MIB, 4000, MIB).contains("window"));
        assertTrue(RemoteDsmHeap.checkOffer(0x7fff_0000_0000L, MIB, 4000, MIB).contains("window"));
        assertTrue(RemoteDsmHeap.checkOffer(base, MIB, 0, MIB).contains("port"));
        assertTrue(RemoteDsmHeap.checkOffer(base, MIB, 70_000, MIB).contains("port"));
        assertNull(RemoteDsmHeap.checkSize(MIB));
        assertNotNull(RemoteDsmHeap.checkSize(MIB + 1));
        assertNotNull(RemoteDsmHeap.checkSize(4096));
        assertNotNull(RemoteDsmHeap.checkSize(-MIB));
        assertNotNull(RemoteDsmHeap.checkSize(4L << 30));
    }

    @Test
    void shouldRefuseImpossibleTransportChoicesWithTheReason()
    {
        assertFalse(RemoteHeaps.isAvailable(), "rpc-core's tests run without rdma-fallback");
        final Path dir = TestDirs.fresh("dsm-choice");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = rpc.openChannel("/dsm/here");
            ch.register(1, call -> call.replyLength(0));
            final RpcException dsm = assertThrows(RpcException.class,
                () -> rpc.connect("/dsm/here", ConnectOptions.remote("127.0.0.1", ch.tcpPort()).transport(Transport.DSM)));
            assertEquals(Status.TRANSPORT_FAILED, dsm.status());
            assertTrue(dsm.getMessage().contains("no io.rpcool.remote.RemoteHeapProvider on the class path"), dsm.getMessage());

            final RpcException sameDomain = assertThrows(RpcException.class,
                () -> rpc.connect("/dsm/here", ConnectOptions.defaults().transport(Transport.TCP)));
            assertTrue(sameDomain.getMessage().contains("in this process's memory domain"), sameDomain.getMessage());
            assertEquals(0, rpc.embeddedDaemon().heapCount(), "the refused connection's heap is gone");

            try (Connection tcp = rpc.connect("/dsm/here", ConnectOptions.remote("127.0.0.1", ch.tcpPort()));
                 Connection shm = rpc.connect("/dsm/here", ConnectOptions.defaults().transport(Transport.SHARED_MEMORY)))
            {
                assertEquals(Transport.TCP, tcp.transport(), "without a DSM the automatic choice is the copy fallback");
                assertThrows(UnsupportedOperationException.class, tcp::heap);
                assertEquals(Transport.SHARED_MEMORY, shm.transport());
                try (ClientCall call = tcp.newCall(1))
                {
                    call.invoke(0);
                }
            }
        }
    }
}
