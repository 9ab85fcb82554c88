package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import io.rpcool.daemon.DaemonClient;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.nativeio.Native;
import io.rpcool.seal.HeapSeals;

/**
 * The one thread of a process's RPCool instance that is not a handler or the poller: it reads the
 * daemon's socket (replies for waiting requests, and pushes: new connections for this process's
 * channels, peers gone, idle levels, heaps another party added), renews the process's lease,
 * watches peers for exit, finishes closing connection ends once no handler thread can read them,
 * and sums the counters. It never waits for the daemon; API calls that do wait run on the caller's
 * thread, and listener callbacks run on a thread of their own.
 */
final class ClientConductor implements Agent
{
    private static final long COUNTERS_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_IDLE_MS = 10;
    private static final long REATTACH_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Rpcool rpcool;
    private final DaemonClient daemon;
    private final RpcoolCounters counters;
    private final DataHeapRegistry heaps;
    private final long peerCheckIntervalNs;
    private final Map<Long, Channel> channels = new ConcurrentHashMap<>();
    private final Map<Long, ShmConnection> connections = new ConcurrentHashMap<>();
    private final Map<Long, ShmServerEnd> serverEnds = new ConcurrentHashMap<>();
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final ServerEndCloser closer;
    private final AgentRunner runner;
    private final Callbacks callbacks;
    private volatile long leaseRenewNs;
    private CompletableFuture<DaemonClient.Reply> leaseRenewal;
    private long nextPeerCheckNs;
    private long nextLeaseRenewalNs;
    private long nextCountersNs;
    private boolean daemonLost;
    private long nextReattachNs;
    private final DaemonReattacher reattacher;
    private volatile boolean closed;
    /** Calls made and served on connections and channels closed so far. */
    private final java.util.concurrent.atomic.AtomicLong retiredCallsMade = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong retiredCallsServed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong retiredSeals = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong retiredBatchReleases = new java.util.concurrent.atomic.AtomicLong();

    ClientConductor(final Rpcool rpcool, final DaemonClient daemon, final RpcoolCounters counters, final DataHeapRegistry heaps)
    {
        this.rpcool = rpcool;
        this.daemon = daemon;
        this.counters = counters;
        this.heaps = heaps;
        this.closer = new ServerEndCloser(rpcool, daemon, counters, heaps);
        this.peerCheckIntervalNs = TimeUnit.MILLISECONDS.toNanos(Math.max(1, rpcool.context().peerCheckIntervalMs()));
        this.runner = new AgentRunner(new SocketIdle(), t -> counters.onError("conductor", t), null, this);
        this.reattacher = new DaemonReattacher(rpcool, daemon, counters);
        this.callbacks = new Callbacks(counters);
    }

    void start()
    {
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread t = new Thread(r, "rpcool-conductor");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void onStart()
    {
        daemon.driver(Thread.currentThread());
    }

    @Override
    public String roleName()
    {
        return "rpcool-conductor";
    }

    /** Renew the process's lease every {@code periodMs} (0: never). */
    void leaseRenewal(final long periodMs)
    {
        leaseRenewNs = TimeUnit.MILLISECONDS.toNanos(periodMs);
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (!daemonLost)
        {
            final int read = daemon.poll(this::onPush);
            if (read < 0)
            {
                daemonLost = true;
                onDaemonLost();
            }
            else
            {
                work += read;
            }
        }
        else if (!closed && !reattacher.isReattaching() && System.nanoTime() - nextReattachNs >= 0)
        {
            nextReattachNs = System.nanoTime() + REATTACH_INTERVAL_NS;
            if (reattacher.tryReattach(channels))
            {
                daemonLost = false;
                work++;
            }
        }
        work += commands.drain(Runnable::run);
        final long now = System.nanoTime();
        if (now - nextPeerCheckNs >= 0)
        {
            nextPeerCheckNs = now + peerCheckIntervalNs;
            work += checkPeers();
        }
        if (leaseRenewNs > 0 && now - nextLeaseRenewalNs >= 0 && !daemonLost)
        {
            nextLeaseRenewalNs = now + leaseRenewNs;
            renewLease();
        }
        work += closer.finish();
        if (now - nextCountersNs >= 0)
        {
            nextCountersNs = now + COUNTERS_INTERVAL_NS;
            sumCounters();
        }
        return work;
    }

    /** Waits in {@code poll(2)} on the daemon's socket until it is readable or the next timer is due. */
    private final class SocketIdle implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            // Rounded up: a timeout rounded down to 0 would poll without sleeping for the last millisecond.
            final long untilPeerCheckNs = nextPeerCheckNs - System.nanoTime();
            final int timeoutMs = untilPeerCheckNs <= 0 ? 0 :
                (int)Math.min(MAX_IDLE_MS, (untilPeerCheckNs + 999_999) / 1_000_000);
            if (daemonLost)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, timeoutMs)));
            }
            else
            {
                daemon.awaitReadable(timeoutMs);
            }
        }

        @Override
        public void reset()
        {
        }
    }

    // ---------------------------------------------------------------------------------- registries

    void add(final Channel channel)
    {
        channels.put(channel.id(), channel);
    }

    void remove(final Channel channel)
    {
        if (channels.remove(channel.id()) != null)
        {
            retiredCallsServed.addAndGet(channel.callsServed());
        }
    }

    void add(final ShmConnection conn)
    {
        connections.put(conn.connectionId, conn);
        counters.connectionsOpened.increment();
    }

    void remove(final ShmConnection conn)
    {
        if (connections.remove(conn.connectionId) != null)
        {
            retiredCallsMade.addAndGet(conn.callsMade());
            retiredSeals.addAndGet(conn.sealing.sealsMade());
            retiredBatchReleases.addAndGet(conn.sealing.batchReleases());
        }
    }

    Iterable<Channel> channels()
    {
        return channels.values();
    }

    Iterable<ShmConnection> connections()
    {
        return connections.values();
    }

    /** Run {@code command} on the conductor thread, soon. */
    void submit(final Runnable command)
    {
        while (!commands.offer(command))
        {
            Thread.onSpinWait();
        }
    }

    // -------------------------------------------------------------------------------------- pushes

    private void onPush(final DaemonClient.Reply push)
    {
        switch (push.type)
        {
            case NEW_CONNECTION:
                onNewConnection(push);
                break;
            case PEER_GONE:
                onPeerGone(push.getLong(), push.getInt(), push.getString());
                break;
            case IDLE_LEVEL:
                rpcool.waitControl().daemonLevel(push.getInt());
                break;
            case FENCED:
                onFenced(push);
                break;
            case NEW_HEAP:
            {
                final HeapOwner owner = new HeapOwner(push.getInt(), push.getLong());
                final long heapId = push.getLong();
                final long address = push.getLong();
                final long length = push.getLong();
                final String rejection = heaps.onNewHeap(owner, heapId, address, length, push.getLong(), push.fd);
                answerPush(push.id, heapId, rejection, "a new heap");
                break;
            }
            default:
                DataHeapRegistry.closeFd(push.fd);
        }
    }

    private void onNewConnection(final DaemonClient.Reply push)
    {
        final long connectionId = push.getLong();
        final long channelId = push.getLong();
        final long heapId = push.getLong();
        final long address = push.getLong();
        final long length = push.getLong();
        final int clientPid = push.getInt();
        final int heapKind = push.getInt();
        final long token = push.getLong();
        final long fileOffset = push.getLong();
        final Channel channel = channels.get(channelId);
        String rejection = null;
        boolean mapped = false;
        HeapSeals seals = null;
        try
        {
            if (channel == null || channel.isClosed())
            {
                rejection = "channel " + channelId + " is not served by process " + Native.pid();
            }
            else if (heapKind == HEAP_KIND_MEMFD && push.fd < 0)
            {
                rejection = "no memory came with the connection heap";
            }
            else
            {
                if (heapKind == HEAP_KIND_MEMFD)
                {
                    MappedHeaps.map(heapId, push.fd, address, length, fileOffset);
                }
                else
                {
                    seals = MappedHeaps.attach(heapId, heapKind, token, address, length, true);
                }
                mapped = true;
                final ShmServerEnd end = new ShmServerEnd(channel, connectionId, heapId, address, length, clientPid, seals);
                end.heap.putLong(ConnectionDescriptor.SERVER_PID_OFFSET, Native.pid());
                end.heap.putIntVolatile(ConnectionDescriptor.SERVER_STATE_OFFSET, ConnectionDescriptor.STATE_OPEN);
                end.dataHeap = channel.options().sharedHeap() ? channel.heap : heaps.heapOf(HeapOwner.connection(connectionId));
                serverEnds.put(connectionId, end);
                channel.addEnd(end);
            }
        }
        catch (final RuntimeException e)
        {
            rejection = e.getMessage();
            if (seals != null)
            {
                seals.close();
            }
            if (mapped)
            {
                MappedHeaps.unmap(address);
            }
        }
        finally
        {
            DataHeapRegistry.closeFd(push.fd);
        }
        answerPush(push.id, connectionId, rejection, "a new connection");
    }

    private void onPeerGone(final long connectionId, final int pid, final String reason)
    {
        final ShmConnection conn = connections.get(connectionId);
        if (conn != null)
        {
            conn.peerGone(reason + " (pid " + pid + ")");
        }
        final ShmServerEnd end = serverEnds.get(connectionId);
        if (end != null)
        {
            end.channel.clientFailed(connectionId, reason + " (pid " + pid + ")");
            closeServerEnd(end, false);
        }
    }

    /**
     * This host fenced itself: stop using the pool heaps the daemon listed. Connections over them fail
     * with {@link Status#FENCED} at once; server ends over them leave their channel and are unmapped
     * once no handler thread reads them; connections, and channels whose shared heap is listed, are
     * closed (and so unmapped) on a thread of their own, since closing asks the daemon.
     */
    private void onFenced(final DaemonClient.Reply push)
    {
        final String reason = push.getString();
        final int count = push.getInt();
        final java.util.Set<Long> addresses = new java.util.HashSet<>();
        for (int i = 0; i < count; i++)
        {
            addresses.add(push.getLong());
        }
        final List<AutoCloseable> toClose = new ArrayList<>();
        int ends = 0;
        for (final ShmConnection conn : connections.values())
        {
            if (addresses.contains(conn.address) || heaps.mapsAny(HeapOwner.connection(conn.connectionId), addresses) ||
                conn.mappedChannelHeaps.stream().anyMatch(addresses::contains))
            {
                conn.fence(reason);
                toClose.add(conn);
            }
        }
        for (final ShmServerEnd end : serverEnds.values())
        {
            if (addresses.contains(end.address) || heaps.mapsAny(HeapOwner.connection(end.connectionId), addresses))
            {
                end.channel.clientFailed(end.connectionId, reason);
                closeServerEnd(end, false);
                ends++;
            }
        }
        for (final Channel channel : channels.values())
        {
            if (heaps.mapsAny(HeapOwner.channel(channel.id()), addresses))
            {
                counters.onError("channel " + channel.name() + " closed: its shared heap was fenced", new IllegalStateException(reason));
                toClose.add(channel);
            }
        }
        RpcoolCounters.warn("rpcool: " + reason + "; " + (toClose.size() + ends) + " connection(s), connection end(s) and " +
            "channel(s) of this process stop and unmap the pool heaps they used");
        if (!toClose.isEmpty())
        {
            final Thread closer = new Thread(() ->
            {
                for (final AutoCloseable c : toClose)
                {
                    try
                    {
                        c.close();
                    }
                    catch (final Exception e)
                    {
                        counters.onError("closing what a fence ended", e);
                    }
                }
            }, "rpcool-fence");
            closer.setDaemon(true);
            closer.start();
        }
    }

    /** Accept a pushed connection or heap ({@code rejection == null}) or refuse it with the reason. */
    private void answerPush(final long pushId, final long id, final String rejection, final String what)
    {
        try
        {
            if (rejection == null)
            {
                daemon.answer(ACCEPT, pushId, m -> m.putLong(id));
            }
            else
            {
                daemon.answer(REJECT, pushId, m -> m.putLong(id).putString(rejection));
            }
        }
        catch (final RuntimeException e)
        {
            counters.onError("answering " + what, e);
        }
    }

    private void onDaemonLost()
    {
        if (!closed)
        {
            RpcoolCounters.warn("rpcool: the daemon (pid " + rpcool.daemonPid() + ") went away; open connections keep working; " +
                "this process re-attaches to the daemon once one runs again" +
                (rpcool.context().daemonMode() == RpcoolContext.DaemonMode.EXTERNAL ? "" : " (or starts one itself)"));
        }
    }

    /** Close the daemon this process started after its own went away, if any. */
    void closeAdoptedDaemon()
    {
        reattacher.closeAdoptedDaemon();
    }

    // ------------------------------------------------------------------------------ leases, peers

    private void renewLease()
    {
        final CompletableFuture<DaemonClient.Reply> last = leaseRenewal;
        if (last != null && !last.isDone())
        {
            RpcoolCounters.warn("rpcool: the daemon has not confirmed this process's last lease renewal yet");
        }
        try
        {
            leaseRenewal = daemon.requestAsync(LEASE_RENEW, m -> { });
            leaseRenewal.thenRun(counters.leaseRenewals::increment);
        }
        catch (final RuntimeException e)
        {
            if (!closed)
            {
                counters.onError("renewing this process's lease", e);
            }
        }
    }

    /** Liveness of every peer, so a dead peer is noticed even without the daemon. */
    private int checkPeers()
    {
        int gone = 0;
        for (final ShmConnection conn : connections.values())
        {
            if (conn.goneReason == null)
            {
                conn.checkPeer();
                gone += conn.goneReason == null ? 0 : 1;
            }
        }
        for (final ShmServerEnd end : serverEnds.values())
        {
            if (!end.clientAlive())
            {
                closeServerEnd(end, false);
                gone++;
            }
        }
        return gone;
    }

    // ------------------------------------------------------------------------- closing server ends

    /**
     * Stop serving {@code end} without waiting: it leaves its channel at once, and its heap is
     * unmapped on a later duty cycle, once no handler thread (and not the poller) can still read it.
     */
    void closeServerEnd(final ShmServerEnd end, final boolean notifyPeer)
    {
        if (serverEnds.remove(end.connectionId) != null)
        {
            closer.later(end, notifyPeer);
        }
    }

    /**
     * Stop serving {@code end} and unmap its heap before returning (an API thread: a channel closing).
     */
    void closeServerEndNow(final ShmServerEnd end, final boolean notifyPeer)
    {
        if (serverEnds.remove(end.connectionId) != null)
        {
            closer.now(end, notifyPeer);
        }
    }

    // ---------------------------------------------------------------------------- counters, callbacks

    private void sumCounters()
    {
        long made = retiredCallsMade.get();
        long seals = retiredSeals.get();
        long batches = retiredBatchReleases.get();
        for (final ShmConnection conn : connections.values())
        {
            made += conn.callsMade();
            seals += conn.sealing.sealsMade();
            batches += conn.sealing.batchReleases();
        }
        counters.sealsMade.setOrdered(seals);
        counters.sealBatchReleases.setOrdered(batches);
        long served = retiredCallsServed.get();
        for (final Channel channel : channels.values())
        {
            served += channel.callsServed();
        }
        counters.callsMade.setOrdered(made);
        counters.callsServed.setOrdered(served);
        counters.handOffs.setOrdered(rpcool.waitControl().handOffs());
    }

    /** Run a listener off the caller's thread, on the instance's callback thread. */
    void notifyAsync(final Runnable task)
    {
        callbacks.run(task);
    }

    /** Stop the conductor (after the instance closed its channels and connections). */
    void close()
    {
        closed = true;
        runner.close();
        callbacks.close();
        // Nobody reads the daemon's socket any more: what is left is told, not asked.
        daemon.driver(Thread.currentThread());
        closer.closeAll();
    }
}
