package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.rpcool.TestDirs;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.nativeio.EventFd;
import io.rpcool.seal.SealBackends;

/**
 * The conductor's decisions, fed messages directly: no sockets, no threads. What it would send
 * each process is recorded instead.
 */
class DaemonConductorTest
{
    private record Sent(ProcessRecord to, int type, long id, int fd, Fields fields)
    {
    }

    private final List<Sent> sent = new ArrayList<>();
    private Path dir;
    private DaemonConfig config;
    private DaemonCounters counters;
    private HeapMapper heapMapper;
    private EventFd wake;
    private DaemonConductor conductor;
    private long requests;
    private int stuckPid = -1;
    private long leaseTimeoutMs;

    @BeforeEach
    void setUp()
    {
        dir = TestDirs.fresh("conductor");
        config = new DaemonConfig().directory(dir).quotaBytes(8L << 20).leaseTimeoutMs(leaseTimeoutMs).peerAnswerTimeoutMs(200);
        counters = new DaemonCounters(dir);
        heapMapper = new HeapMapper(new AddressSpace(AddressSpace.DEFAULT_BASE, AddressSpace.DEFAULT_END),
            SealBackends.select("mprotect"));
        wake = new EventFd();
        conductor = new DaemonConductor(config, heapMapper, null, counters, wake, (to, message) ->
        {
            if (to.pid == stuckPid)
            {
                return false;
            }
            sent.add(new Sent(to, message.type(), message.requestId(), message.fd(), Fields.copyOf(message)));
            return true;
        });
    }

    @AfterEach
    void tearDown()
    {
        conductor.close();
        heapMapper.close();
        counters.close();
        wake.close();
    }

    private ProcessRecord process(final int pid, final String name)
    {
        final ProcessRecord p = new ProcessRecord(conductor.nextId(), pid, 0, null);
        conductor.admit(p);
        conductor.onHello(p, ++requests, name, "local");
        final Sent hello = last(p);
        assertEquals(OK, hello.type);
        sent.clear();
        return p;
    }

    private Sent last(final ProcessRecord to)
    {
        for (int i = sent.size() - 1; i >= 0; i--)
        {
            if (sent.get(i).to == to)
            {
                return sent.get(i);
            }
        }
        throw new AssertionError("nothing sent to pid " + to.pid + ": " + sent);
    }

    private long openChannel(final ProcessRecord server, final String name)
    {
        conductor.onOpenChannel(server, ++requests, name, "local", "127.0.0.1", 1, 0);
        final Sent reply = last(server);
        assertEquals(OK, reply.type, "channel opened");
        return reply.fields.getLong();
    }

    /** Connect {@code client} to {@code channel}: the CONNECT_HEAP reply's connection id. */
    private long connect(final ProcessRecord client, final String channel)
    {
        conductor.connector.onConnect(client, ++requests, channel, 4, 4096, "local");
        final Sent reply = last(client);
        assertEquals(CONNECT_HEAP, reply.type, "connection heap handed out");
        assertTrue(reply.fd >= 0, "the heap's memfd travels with the reply");
        return reply.fields.getLong();
    }

    @Test
    void shouldRefuseASecondChannelOfTheSameNameAndAnUnknownOne()
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/a/b");
        conductor.onOpenChannel(server, ++requests, "/a/b", "local", "127.0.0.1", 1, 0);
        assertEquals(ERROR, last(server).type);
        assertEquals(E_CHANNEL_EXISTS, last(server).fields.getInt());
        conductor.connector.onConnect(server, ++requests, "/no/such", 4, 4096, "local");
        assertEquals(E_NO_SUCH_CHANNEL, last(server).fields.getInt());
        conductor.onOpenChannel(server, ++requests, "/a/../b", "local", "127.0.0.1", 1, 0);
        assertEquals(E_BAD_REQUEST, last(server).fields.getInt(), "dot segments are refused");
    }

    @Test
    void shouldSendAClientOfAnotherDomainToTheTcpFallback()
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/tcp");
        final ProcessRecord client = process(101, "client");
        conductor.connector.onConnect(client, ++requests, "/tcp", 4, 4096, "elsewhere");
        final Sent reply = last(client);
        assertEquals(CONNECT_TCP, reply.type);
        assertEquals("127.0.0.1", reply.fields.getString());
    }

    @Test
    void shouldPushANewConnectionToTheServerAndRelayItsAcceptance()
    {
        final ProcessRecord server = process(100, "server");
        final long channelId = openChannel(server, "/echo");
        final ProcessRecord client = process(101, "client");
        final long connectionId = connect(client, "/echo");
        final long readyRequest = ++requests;
        conductor.connector.onConnectReady(client, readyRequest, connectionId);
        final Sent push = last(server);
        assertEquals(NEW_CONNECTION, push.type);
        assertEquals(connectionId, push.fields.getLong());
        assertEquals(channelId, push.fields.getLong());
        assertTrue(sent.stream().noneMatch(s -> s.to == client && s.id == readyRequest), "the client waits for the server");

        conductor.onAnswer(client, push.id, "");
        assertTrue(sent.stream().noneMatch(s -> s.to == client && s.id == readyRequest), "only the server may answer its push");

        conductor.onAnswer(server, push.id, "");
        final Sent ready = last(client);
        assertEquals(OK, ready.type);
        assertEquals(readyRequest, ready.id);
        assertEquals(server.pid, ready.fields.getInt());
        assertEquals(1, conductor.connections.size());
        assertEquals(2, conductor.heaps.values().iterator().next().mappers.size(), "client and server map the heap");
    }

    @Test
    void shouldRelayARefusalAndAnUnansweredPushAsErrors() throws Exception
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/refuse");
        final ProcessRecord client = process(101, "client");
        final long first = connect(client, "/refuse");
        conductor.connector.onConnectReady(client, ++requests, first);
        conductor.onAnswer(server, last(server).id, "not today");
        final Sent refused = last(client);
        assertEquals(ERROR, refused.type);
        assertEquals(E_REJECTED, refused.fields.getInt());
        assertTrue(refused.fields.getString().contains("not today"));

        final long second = connect(client, "/refuse");
        conductor.connector.onConnectReady(client, ++requests, second);
        Thread.sleep(250);
        conductor.doWork();
        final Sent timedOut = last(client);
        assertEquals(ERROR, timedOut.type, "no answer within the peer answer timeout");
        assertEquals(E_REJECTED, timedOut.fields.getInt());
        final String why = timedOut.fields.getString();
        assertTrue(why.contains("did not answer"), why);
    }

    @Test
    void shouldRefuseAConnectionOverTheQuota()
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/quota");
        final ProcessRecord client = process(101, "client");
        final int slots = 64;
        final int bufferSize = 64 * 1024;
        assertTrue(ConnectionDescriptor.heapLength(slots, bufferSize) > config.quotaBytes());
        conductor.connector.onConnect(client, ++requests, "/quota", slots, bufferSize, "local");
        assertEquals(ERROR, last(client).type);
        assertEquals(E_QUOTA_EXCEEDED, last(client).fields.getInt());
        assertEquals(1, counters.quotaRefusals.get());
    }

    @Test
    void shouldTellTheOtherEndAndFreeTheHeapWhenAProcessGoes()
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/gone");
        final ProcessRecord client = process(101, "client");
        final long connectionId = connect(client, "/gone");
        conductor.connector.onConnectReady(client, ++requests, connectionId);
        conductor.onAnswer(server, last(server).id, "");
        conductor.processGone(client);
        final Sent gone = last(server);
        assertEquals(PEER_GONE, gone.type);
        assertEquals(connectionId, gone.fields.getLong());
        assertEquals(client.pid, gone.fields.getInt());
        assertEquals(1, conductor.heaps.size(), "the server still maps the heap until it unmaps it");
        conductor.onDetach(server, ++requests, conductor.heaps.keySet().iterator().next());
        assertEquals(0, conductor.heaps.size(), "the heap is freed once nobody maps it");
        assertEquals(0, server.quotaUsed);
    }

    @Test
    void shouldDisconnectAProcessThatDoesNotReadItsSocket()
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/stuck");
        stuckPid = 101;
        final ProcessRecord client = process2(101);
        conductor.connector.onConnect(client, ++requests, "/stuck", 4, 4096, "local");
        assertTrue(client.gone, "a process whose socket is full is disconnected, not waited for");
        assertEquals(1, counters.processesDisconnected.get());
        assertFalse(server.gone, "the other processes are served on");
        assertEquals(0, conductor.connections.size(), "its half-made connection is gone");
    }

    private ProcessRecord process2(final int pid)
    {
        final ProcessRecord p = new ProcessRecord(conductor.nextId(), pid, 0, null);
        conductor.admit(p);
        p.registered = true;
        return p;
    }

    @Test
    void shouldTreatAProcessThatStopsRenewingItsLeaseAsGone() throws Exception
    {
        tearDown();
        leaseTimeoutMs = 100;
        setUp();
        final ProcessRecord server = process(100, "server");
        conductor.onLeaseRenew(server, ++requests);
        Thread.sleep(300);
        conductor.doWork();
        assertTrue(server.gone, "the lease expired");
        assertTrue(server.expired);
    }

    @Test
    void shouldShareANewDataHeapWithTheOtherPartyBeforeTheCreatorMayUseIt()
    {
        final ProcessRecord server = process(100, "server");
        openChannel(server, "/heaps");
        final ProcessRecord client = process(101, "client");
        final long connectionId = connect(client, "/heaps");
        conductor.connector.onConnectReady(client, ++requests, connectionId);
        conductor.onAnswer(server, last(server).id, "");
        conductor.dataHeaps.onAddHeap(client, ++requests, SCOPE_CONNECTION, connectionId, 1 << 20);
        final Sent heap = last(client);
        assertEquals(HEAP, heap.type);
        final long heapId = heap.fields.getLong();
        final long readyRequest = ++requests;
        conductor.dataHeaps.onHeapReady(client, readyRequest, heapId);
        final Sent push = last(server);
        assertEquals(NEW_HEAP, push.type);
        assertTrue(sent.stream().noneMatch(s -> s.to == client && s.id == readyRequest), "the creator waits for the server");
        conductor.onAnswer(server, push.id, "");
        assertEquals(OK, last(client).type);
        assertEquals(readyRequest, last(client).id);
    }

    @Test
    void shouldHoldAReservedRangeOutOfNewHeapsUntilReleasedOrItsProcessIsGone()
    {
        final ProcessRecord server = process(100, "server");
        conductor.dataHeaps.onReserveRange(server, ++requests, 1L << 20);
        assertEquals(OK, last(server).type);
        final long range = last(server).fields.getLong();
        assertTrue(range >= AddressSpace.DEFAULT_BASE && range < AddressSpace.DEFAULT_END, Long.toHexString(range));

        openChannel(server, "/ranges");
        final ProcessRecord client = process(101, "client");
        connect(client, "/ranges");
        for (final HeapRecord heap : conductor.heaps.values())
        {
            assertTrue(heap.address >= range + (1L << 20) || heap.address + heap.length <= range, "heap placed over the range");
        }

        conductor.dataHeaps.onReleaseRange(server, ++requests, range);
        assertEquals(OK, last(server).type);
        conductor.dataHeaps.onReserveRange(client, ++requests, 1L << 20);
        assertEquals(range, last(client).fields.getLong(), "a released range is free again");
        conductor.processGone(client);
        conductor.dataHeaps.onReserveRange(server, ++requests, 1L << 20);
        assertEquals(range, last(server).fields.getLong(), "the range of a process that is gone is free again");

        conductor.dataHeaps.onReserveRange(server, ++requests, 0);
        assertEquals(ERROR, last(server).type);
        assertEquals(E_BAD_REQUEST, last(server).fields.getInt());
    }
}
