package io.rpcool.dsm;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two JVMs, each with its own memfd (no shared memory): the client builds a linked list of records
 * with absolute-address pointers over hundreds of pages, the server (this JVM) walks it in place and
 * gets the client's digest; then the server changes every record and the client reads the changes.
 */
@Tag("slow")
@Timeout(180)
class DsmPointerRichTest
{
    private static final long SIZE = 2L << 20;

    @Test
    void shouldWalkTheClientsPointerListInTheServerAndSeeTheServersChangesInTheClient()
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final long address = 0x5f20_0000_0000L;
        try (TestPeers.Pair pair = TestPeers.serverHere(address, SIZE))
        {
            final DsmHeap heap = pair.heap();
            final ChildJvm client = pair.client();
            final long written = TestPeers.number(TestPeers.ask(client, "write 4711 500"));

            assertEquals(written, PointerList.walk(heap));
            final long pagesIn = heap.counter(DsmHeap.COUNTER_PAGES_IN);
            assertTrue(pagesIn > 150, "the list should span many pages, moved " + pagesIn);

            final long bumped = PointerList.bump(heap, 3);
            assertTrue(bumped != written);
            assertEquals(bumped, TestPeers.number(TestPeers.ask(client, "walk")));
            assertEquals(written, TestPeers.number(TestPeers.ask(client, "bump -3")));
            assertEquals(written, PointerList.walk(heap));
            assertEquals(DsmHeap.RUNNING, heap.status(), heap.reason());
        }
    }
}
