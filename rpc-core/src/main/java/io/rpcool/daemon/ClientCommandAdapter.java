package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.ArrayList;
import java.util.List;

import io.rpcool.nativeio.EventFd;
import io.rpcool.nativeio.PollSet;
import io.rpcool.nativeio.SeqPacketSocket;
import io.rpcool.nativeio.SharedMemory;

/**
 * Reads what processes send the daemon and hands it, decoded, to the {@link DaemonConductor}:
 * accepts processes on the listening socket, receives their messages without blocking, checks
 * each against the protocol ({@link ControlProtocol}: registered first, fields complete) and calls
 * the conductor's handler for its type. A malformed message gets an error reply and changes
 * nothing. Also the conductor's way to sleep: {@code poll(2)} over every socket and the wake-up
 * descriptor, until something arrives or the timeout passes. Conductor thread only.
 */
final class ClientCommandAdapter
{
    /** Messages read from one process per duty cycle, so no process starves the others. */
    private static final int MESSAGES_PER_PROCESS = 16;

    private final DaemonConductor conductor;
    private final SeqPacketSocket listener;
    private final EventFd wake;
    private final List<ProcessRecord> processes = new ArrayList<>();
    private final PollSet pollSet = new PollSet();
    private final Message in = new Message();
    private final int[] receivedFd = new int[1];
    private boolean pollSetStale = true;

    ClientCommandAdapter(final DaemonConductor conductor, final SeqPacketSocket listener, final EventFd wake)
    {
        this.conductor = conductor;
        this.listener = listener;
        this.wake = wake;
    }

    void add(final ProcessRecord process)
    {
        processes.add(process);
        pollSetStale = true;
    }

    void remove(final ProcessRecord process)
    {
        processes.remove(process);
        pollSetStale = true;
    }

    /**
     * Accept waiting processes and read their messages, without blocking.
     *
     * @return messages and connections handled.
     */
    int poll()
    {
        refreshPollSet();
        if (pollSet.await(0) == 0)
        {
            return 0;
        }
        int work = 0;
        if (pollSet.isReady(1))
        {
            wake.drain();
        }
        if (pollSet.isReady(0))
        {
            try
            {
                conductor.onProcessConnected(listener.accept());
                work++;
            }
            catch (final RuntimeException e)
            {
                conductor.counters.onError("accepting a process", e);
            }
        }
        // A snapshot: handlers may remove processes (gone) or add none.
        final ProcessRecord[] ready = readyProcesses();
        for (final ProcessRecord p : ready)
        {
            work += read(p);
        }
        return work;
    }

    /** Sleep until a socket has something or {@code timeoutMs} passes. */
    void await(final int timeoutMs)
    {
        refreshPollSet();
        pollSet.await(timeoutMs);
    }

    private ProcessRecord[] readyProcesses()
    {
        int n = 0;
        final ProcessRecord[] ready = new ProcessRecord[processes.size()];
        for (int i = 0; i < processes.size(); i++)
        {
            if (pollSet.isReady(i + 2))
            {
                ready[n++] = processes.get(i);
            }
        }
        return java.util.Arrays.copyOf(ready, n);
    }

    private void refreshPollSet()
    {
        if (pollSetStale)
        {
            pollSet.clear().add(listener.fd()).add(wake.fd());
            for (final ProcessRecord p : processes)
            {
                pollSet.add(p.socket.fd());
            }
            pollSetStale = false;
        }
    }

    private int read(final ProcessRecord process)
    {
        int read = 0;
        while (read < MESSAGES_PER_PROCESS && !process.gone)
        {
            final int n;
            try
            {
                n = process.socket.receiveNow(in.bufferAddress(), in.capacity(), receivedFd);
            }
            catch (final RuntimeException e)
            {
                conductor.processGone(process);
                return read;
            }
            if (n == SeqPacketSocket.WOULD_BLOCK)
            {
                return read;
            }
            if (n < 0)
            {
                conductor.processGone(process);
                return read;
            }
            read++;
            try
            {
                in.received(n, receivedFd[0]);
                dispatch(process, in);
            }
            catch (final Message.MalformedMessageException e)
            {
                conductor.counters.malformedMessages.increment();
                conductor.proxy.error(process, n >= Message.HEADER_LENGTH ? in.requestId() : 0, E_BAD_REQUEST, e.getMessage());
            }
            finally
            {
                if (receivedFd[0] >= 0)
                {
                    SharedMemory.close(receivedFd[0]);
                }
            }
        }
        return read;
    }

    private void onReattach(final ProcessRecord process, final long requestId, final Message in)
    {
        final String name = in.getString();
        final String domain = in.getString();
        final int channelCount = in.getInt();
        if (channelCount < 0 || channelCount > 4096)
        {
            throw new Message.MalformedMessageException("reattach with " + channelCount + " channels");
        }
        final List<ChannelRecord> channels = new ArrayList<>(channelCount);
        for (int i = 0; i < channelCount; i++)
        {
            final ChannelRecord c = new ChannelRecord(0, in.getString(), process, in.getString(), in.getString(), in.getInt());
            c.connectionQuotaBytes = in.getLong();
            channels.add(c);
        }
        final int rangeCount = in.getInt();
        if (rangeCount < 0 || rangeCount > 65536)
        {
            throw new Message.MalformedMessageException("reattach with " + rangeCount + " heaps");
        }
        final long[] ranges = new long[2 * rangeCount];
        for (int i = 0; i < ranges.length; i++)
        {
            ranges[i] = in.getLong();
        }
        conductor.onReattach(process, requestId, name, domain, channels, ranges);
    }

    private void dispatch(final ProcessRecord process, final Message in)
    {
        final int type = in.type();
        final long requestId = in.requestId();
        if (type != HELLO && type != REATTACH && type != ACCEPT && type != REJECT && !process.registered)
        {
            conductor.proxy.error(process, requestId, E_NOT_REGISTERED, "send HELLO first");
            return;
        }
        switch (type)
        {
            case HELLO:
                conductor.onHello(process, requestId, in.getString(), in.getString());
                break;
            case REATTACH:
                onReattach(process, requestId, in);
                break;
            case OPEN_CHANNEL:
                conductor.onOpenChannel(process, requestId, in.getString(), in.getString(), in.getString(), in.getInt(), in.getLong());
                break;
            case CLOSE_CHANNEL:
                conductor.onCloseChannel(process, requestId, in.getLong());
                break;
            case CONNECT:
                conductor.connector.onConnect(process, requestId, in.getString(), in.getInt(), in.getInt(), in.getString());
                break;
            case CONNECT_READY:
                conductor.connector.onConnectReady(process, requestId, in.getLong());
                break;
            case CONNECT_ABORT:
            {
                final long connectionId = in.getLong();
                in.getString();
                conductor.connector.onConnectAbort(process, requestId, connectionId);
                break;
            }
            case DETACH:
                conductor.onDetach(process, requestId, in.getLong());
                break;
            case CLOSE_CONNECTION:
                conductor.onCloseConnection(process, requestId, in.getLong());
                break;
            case STAT:
                conductor.onStat(process, requestId);
                break;
            case LEASE_RENEW:
                conductor.onLeaseRenew(process, requestId);
                break;
            case ADD_HEAP:
                conductor.dataHeaps.onAddHeap(process, requestId, in.getInt(), in.getLong(), in.getLong());
                break;
            case HEAP_READY:
                conductor.dataHeaps.onHeapReady(process, requestId, in.getLong());
                break;
            case MAP_HEAP:
                conductor.dataHeaps.onMapHeap(process, requestId, in.getLong());
                break;
            case RESERVE_RANGE:
                conductor.dataHeaps.onReserveRange(process, requestId, in.getLong());
                break;
            case RELEASE_RANGE:
                conductor.dataHeaps.onReleaseRange(process, requestId, in.getLong());
                break;
            case ACCEPT:
                in.getLong();
                conductor.onAnswer(process, requestId, "");
                break;
            case REJECT:
            {
                in.getLong();
                conductor.onAnswer(process, requestId, in.getString());
                break;
            }
            default:
                conductor.counters.malformedMessages.increment();
                conductor.proxy.error(process, requestId, E_BAD_REQUEST, "unknown control message type " + type);
        }
    }
}
