package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import io.rpcool.idle.IdleLevels;
import io.rpcool.nativeio.EventFd;
import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.SeqPacketSocket;
import io.rpcool.stat.CountersFile;

/**
 * The daemon's one decision maker, as Aeron's driver conductor: it owns every registry (processes,
 * channels, connections, heaps) and every decision (who maps what, quotas, who is gone), on one
 * thread, without locks. It never waits: what must wait — a process's answer to a push, a
 * control-plane round trip, heaps on their way back under a quota — continues in a later duty
 * cycle. Its collaborators each hold one role: the {@link ClientCommandAdapter} decodes what
 * processes send, the {@link ClientProxy} encodes what they receive, the {@link HeapMapper} makes
 * heap memory, the {@link LeaseKeeper} expires process leases, {@link RemotePeers} speaks with the
 * daemons of other hosts, the {@link HostFence} stops the use of pool heaps while the host's
 * cluster session is at risk, the {@link LoadSampler} (its own agent) measures load, and
 * {@link StatReport} describes it all.
 */
final class DaemonConductor implements Agent
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");

    final DaemonConfig config;
    final Path directory;
    final ClientProxy proxy;
    final HeapMapper heapMapper;
    final LeaseKeeper leases;
    final PendingAnswers answers = new PendingAnswers();
    final DaemonCounters counters;
    /** The cluster's control plane, or null on a single host. */
    final ClusterLink cluster;
    final RemotePeers remote;
    /** Fencing of this host's pool heaps when its cluster session is at risk, or null on a single host. */
    final HostFence fence;
    final DataHeapBroker dataHeaps = new DataHeapBroker(this);
    final ConnectionBroker connector = new ConnectionBroker(this);
    final Map<Long, ProcessRecord> processes = new LinkedHashMap<>();
    final Map<String, ChannelRecord> channels = new LinkedHashMap<>();
    final Map<Long, ConnectionRecord> connections = new LinkedHashMap<>();
    final Map<Long, HeapRecord> heaps = new LinkedHashMap<>();
    final long startedAtMs = System.currentTimeMillis();
    private final List<Deferred> deferred = new ArrayList<>();
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(4096);
    private final EventFd wake;
    private ClientCommandAdapter adapter;
    private long ids;
    int idleLevel = IdleLevels.SPIN;
    double lastLoad;
    /** Pids of the processes served, for the load sampler (written by the conductor only). */
    private volatile int[] pids = {Native.pid()};

    DaemonConductor(
        final DaemonConfig config,
        final HeapMapper heapMapper,
        final ClusterLink cluster,
        final DaemonCounters counters,
        final EventFd wake,
        final ClientProxy.Sink sink)
    {
        this.proxy = new ClientProxy(sink, this::disconnect);
        this.config = config;
        this.directory = config.directory();
        this.heapMapper = heapMapper;
        this.leases = new LeaseKeeper(config.leaseTimeoutMs());
        this.cluster = cluster;
        this.remote = cluster == null ? null : new RemotePeers(this, cluster);
        this.fence = cluster == null ? null : new HostFence(this);
        this.counters = counters;
        this.wake = wake;
    }

    void adapter(final ClientCommandAdapter adapter)
    {
        this.adapter = adapter;
    }

    @Override
    public String roleName()
    {
        return "rpcool-daemon-conductor";
    }

    @Override
    public int doWork()
    {
        int work = adapter == null ? 0 : adapter.poll();
        work += commands.drain(Runnable::run);
        final long now = System.nanoTime();
        for (final ProcessRecord p : leases.expired(processes.values(), now))
        {
            LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: process " + p.pid + " (" + p.name + ") did not renew its lease for " +
                config.leaseTimeoutMs() + " ms: treating it as dead");
            counters.leaseExpiries.increment();
            p.expired = true;
            processGone(p);
            work++;
        }
        work += answers.expire(now);
        if (fence != null)
        {
            work += fence.check(now);
        }
        if (!deferred.isEmpty())
        {
            work += runDeferred(now);
        }
        return work;
    }

    /** Run {@code command} on the conductor thread (from any thread), waking the conductor. */
    void submit(final Runnable command)
    {
        while (!commands.offer(command))
        {
            Thread.onSpinWait();
        }
        wake.signal();
    }

    long nextId()
    {
        return ++ids;
    }

    int[] pids()
    {
        return pids;
    }

    private void processesChanged()
    {
        final int[] now = new int[processes.size() + 1];
        int i = 0;
        for (final ProcessRecord p : processes.values())
        {
            now[i++] = p.pid;
        }
        now[i] = Native.pid();
        pids = now;
    }

    // --------------------------------------------------------------------------------- processes

    /** A process connected to the control socket: admit it if its user may use this daemon. */
    void onProcessConnected(final SeqPacketSocket socket)
    {
        final int[] credentials;
        try
        {
            credentials = socket.peerCredentials();
        }
        catch (final RuntimeException e)
        {
            socket.close();
            return;
        }
        if (!config.allows(credentials[1], credentials[2]))
        {
            counters.processesRefused.increment();
            counters.recordDistinct(new SecurityException("refused a process of uid " + credentials[1] +
                " (allowed: " + config.allowedUidsDescription() + ")"));
            LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: refused process " + credentials[0] + " of uid " +
                credentials[1] + ": only " + config.allowedUidsDescription() + " may use this daemon");
            socket.close();
            return;
        }
        admit(new ProcessRecord(nextId(), credentials[0], credentials[1], socket));
    }

    /** Serve {@code process} from now on (its socket, if it has one, goes to the adapter). */
    void admit(final ProcessRecord process)
    {
        processes.put(process.id, process);
        processesChanged();
        counters.processesConnected.increment();
        if (process.socket != null)
        {
            adapter.add(process);
        }
    }

    /** The daemon stops serving a process that does not read its control socket. */
    private void disconnect(final ProcessRecord process)
    {
        if (!process.gone)
        {
            counters.processesDisconnected.increment();
            processGone(process);
        }
    }

    /** A process went away (socket closed, lease expired, disconnected): tell its peers, unmap its heaps. */
    void processGone(final ProcessRecord process)
    {
        if (process.gone)
        {
            return;
        }
        process.gone = true;
        processes.remove(process.id);
        processesChanged();
        if (process.socket != null)
        {
            adapter.remove(process);
            process.socket.close();
        }
        final List<String> withdrawn = new ArrayList<>();
        channels.values().removeIf(c ->
        {
            if (c.owner == process)
            {
                withdrawn.add(c.name);
                return true;
            }
            return false;
        });
        withdraw(withdrawn);
        final String reason = process.expired ?
            "process " + process.pid + " (" + process.name + ") stopped renewing its lease" :
            "process " + process.pid + " (" + process.name + ") exited";
        answers.failAll(process, reason);
        // Tell the other ends first: unmapping the last local use of a heap forgets its connections,
        // and the other end of a connection across hosts maps the heap on its own host, not here.
        for (final ConnectionRecord conn : new ArrayList<>(connections.values()))
        {
            if (conn.client == process || conn.channel.owner == process)
            {
                closeConnection(conn, process, reason);
            }
        }
        for (final HeapRecord heap : new ArrayList<>(heaps.values()))
        {
            final int[] uses = heap.mappers.get(process);
            if (uses != null)
            {
                uses[0] = 1;
                unmap(heap, process);
            }
        }
        for (final long address : process.reservedRanges)
        {
            heapMapper.unreserve(address);
        }
        CountersFile.delete(directory, process.pid);
    }

    // ----------------------------------------------------------------------------------- requests

    void onHello(final ProcessRecord process, final long requestId, final String name, final String domain)
    {
        process.name = name;
        process.domain = domain;
        process.registered = true;
        proxy.hello(process, requestId, Native.pid(), idleLevel, config.quotaBytes(), heapMapper.sealBackendName(),
            config.leaseTimeoutMs(), cluster == null ? "" : cluster.hostId());
    }

    /**
     * A process whose daemon restarted introduces itself with what it still serves and maps: its
     * channels are registered again under their names (unless taken meanwhile), and the ranges of
     * the heaps it maps are kept out of new heaps until it exits.
     */
    void onReattach(final ProcessRecord process, final long requestId, final String name, final String domain,
        final List<ChannelRecord> channelsWanted, final long[] ranges)
    {
        process.name = name;
        process.domain = domain;
        process.registered = true;
        for (int i = 0; i < ranges.length; i += 2)
        {
            if (heapMapper.reserve(ranges[i], ranges[i + 1]))
            {
                process.reservedRanges.add(ranges[i]);
            }
            else
            {
                counters.onError("reattach of process " + process.pid, new IllegalStateException(String.format(
                    "its heap at 0x%x (%d bytes) overlaps a heap of this daemon", ranges[i], ranges[i + 1])));
            }
        }
        final long[] ids = new long[channelsWanted.size()];
        final String[] reasons = new String[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            final ChannelRecord wanted = channelsWanted.get(i);
            final String problem = ChannelNames.validate(wanted.name);
            final ChannelRecord existing = channels.get(wanted.name);
            if (problem != null || existing != null || cluster != null)
            {
                reasons[i] = problem != null ? problem : existing != null ?
                    "channel " + wanted.name + " was opened by process " + existing.owner.pid + " meanwhile" :
                    "a host of a cluster does not take channels back after a restart: its leases ended with its session";
                continue;
            }
            final ChannelRecord channel = new ChannelRecord(nextId(), wanted.name, process, wanted.domain, wanted.host, wanted.port);
            channel.connectionQuotaBytes = wanted.connectionQuotaBytes > 0 ? wanted.connectionQuotaBytes : config.quotaBytes() / 4;
            channels.put(channel.name, channel);
            ids[i] = channel.id;
            reasons[i] = "";
        }
        proxy.reattached(process, requestId, Native.pid(), idleLevel, config.quotaBytes(), heapMapper.sealBackendName(),
            config.leaseTimeoutMs(), cluster == null ? "" : cluster.hostId(), ids, reasons);
    }

    void onLeaseRenew(final ProcessRecord process, final long requestId)
    {
        leases.renewed(process, System.nanoTime());
        proxy.leaseRenewed(process, requestId, config.leaseTimeoutMs());
    }

    void onOpenChannel(
        final ProcessRecord process, final long requestId, final String name, final String domain, final String host, final int port,
        final long connectionQuotaBytes)
    {
        final String problem = ChannelNames.validate(name);
        if (problem != null)
        {
            proxy.error(process, requestId, E_BAD_REQUEST, problem);
            return;
        }
        final ChannelRecord existing = channels.get(name);
        if (existing != null)
        {
            proxy.error(process, requestId, E_CHANNEL_EXISTS,
                "channel " + name + " is already open (by process " + existing.owner.pid + ")");
            return;
        }
        final ChannelRecord channel = new ChannelRecord(nextId(), name, process, domain, host, port);
        channel.connectionQuotaBytes = connectionQuotaBytes > 0 ? connectionQuotaBytes : config.quotaBytes() / 4;
        channels.put(name, channel);
        counters.channelsOpened.increment();
        if (remote == null)
        {
            proxy.channelOpened(process, requestId, channel.id);
            return;
        }
        remote.publish(channel, failure ->
        {
            if (failure == null)
            {
                proxy.channelOpened(process, requestId, channel.id);
            }
            else
            {
                channels.remove(name, channel);
                proxy.error(process, requestId, failure.code, failure.getMessage());
            }
        });
    }

    void onCloseChannel(final ProcessRecord process, final long requestId, final long channelId)
    {
        final ChannelRecord channel = channelById(channelId);
        if (channel != null && channel.owner == process)
        {
            channels.remove(channel.name);
            withdraw(List.of(channel.name));
            for (final ConnectionRecord conn : new ArrayList<>(connections.values()))
            {
                if (conn.channel == channel)
                {
                    closeConnection(conn, process, "channel " + channel.name + " was closed by its server");
                }
            }
        }
        proxy.ok(process, requestId);
    }

    void onAnswer(final ProcessRecord process, final long pushId, final String reason)
    {
        answers.completeFrom(process, pushId, reason);
    }

    void onDetach(final ProcessRecord process, final long requestId, final long heapId)
    {
        final HeapRecord heap = heaps.get(heapId);
        if (heap != null)
        {
            unmap(heap, process);
        }
        proxy.ok(process, requestId);
    }

    void onCloseConnection(final ProcessRecord process, final long requestId, final long connectionId)
    {
        final ConnectionRecord conn = connections.get(connectionId);
        if (conn != null && (conn.client == process || conn.channel.owner == process))
        {
            closeConnection(conn, process, (conn.client == process ? "client " : "server ") + process.pid + " closed the connection");
        }
        proxy.ok(process, requestId);
    }

    void onStat(final ProcessRecord process, final long requestId)
    {
        final String local = StatReport.of(this);
        if (cluster == null)
        {
            proxy.stat(process, requestId, local);
            return;
        }
        cluster.call(() -> cluster.control().describe(), (described, failure) -> proxy.stat(process, requestId,
            local + (failure == null ? described : "cluster state unavailable: " + failure.getMessage() + "\n")));
    }

    ChannelRecord channelById(final long id)
    {
        for (final ChannelRecord c : channels.values())
        {
            if (c.id == id)
            {
                return c;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------- connections, maps

    /** Forget a connection and tell the end that did not close it. */
    void closeConnection(final ConnectionRecord conn, final ProcessRecord closer, final String reason)
    {
        if (connections.remove(conn.id) == null)
        {
            return;
        }
        final ProcessRecord other = conn.other(closer);
        if (conn.heap.mappers.containsKey(other))
        {
            // Told below that the peer is gone, it unmaps the heap: count it as on its way back.
            other.releasing.add(conn.heap);
        }
        if (!other.isLocal())
        {
            remote.peerGone(other.host, conn, closer.pid, reason);
            return;
        }
        proxy.peerGone(other, nextId(), conn.id, closer.pid, reason);
    }

    /**
     * Count one use of the heap by the process (a process that is both client and server of a
     * connection uses it twice, through one mapping); the quota counts the heap once per process.
     */
    void map(final HeapRecord heap, final ProcessRecord process)
    {
        final int[] uses = heap.mappers.get(process);
        if (uses != null)
        {
            uses[0]++;
            return;
        }
        heap.mappers.put(process, new int[] {1});
        process.quotaUsed += heap.length;
        if (heap.pooled && process.isLocal())
        {
            if (heap.initialLeasePid == process.pid)
            {
                heap.initialLeasePid = 0;   // taken with the heap
            }
            else
            {
                remote.acquireLease(heap, process.pid);
            }
        }
    }

    /** Drop one use; free the heap's memory and address once nobody maps it. */
    void unmap(final HeapRecord heap, final ProcessRecord process)
    {
        final int[] uses = heap.mappers.get(process);
        if (uses != null && --uses[0] == 0)
        {
            heap.mappers.remove(process);
            process.quotaUsed -= heap.length;
            process.releasing.remove(heap);
            if (heap.pooled && process.isLocal())
            {
                remote.releaseLease(heap, process.pid);
            }
        }
        if (heap.mappers.isEmpty() && heaps.remove(heap.id) != null)
        {
            connections.values().removeIf(c -> c.heap == heap);
            for (final ConnectionRecord c : connections.values())
            {
                c.dataHeaps.remove(heap);
            }
            for (final ChannelRecord c : channels.values())
            {
                c.sharedHeaps.remove(heap);
            }
            heapMapper.release(heap);
        }
    }

    void refuseQuota(final ProcessRecord process, final long requestId, final String message)
    {
        counters.quotaRefusals.increment();
        proxy.error(process, requestId, E_QUOTA_EXCEEDED, message);
    }

    private void withdraw(final List<String> names)
    {
        if (remote != null)
        {
            for (final String name : names)
            {
                remote.withdraw(name);
            }
        }
    }

    long deadline()
    {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.peerAnswerTimeoutMs());
    }

    // ------------------------------------------------------------------------------ deferred work

    /**
     * Run {@code retry} once {@code process} has room for {@code length} more bytes, or holds no
     * heaps on their way back any more, or the peer answer timeout passed.
     */
    void defer(final ProcessRecord process, final long length, final Runnable retry)
    {
        deferred.add(new Deferred(process, length, deadline(), retry));
    }

    private int runDeferred(final long now)
    {
        int ran = 0;
        for (int i = deferred.size() - 1; i >= 0; i--)
        {
            final Deferred d = deferred.get(i);
            if (d.process().quotaUsed + d.length() <= config.quotaBytes() || d.process().releasing.isEmpty() ||
                d.process().gone || now - d.deadlineNs() > 0)
            {
                deferred.remove(i);
                d.retry().run();
                ran++;
            }
        }
        return ran;
    }

    // -------------------------------------------------------------------------------------- load

    /** The load sampler measured {@code load} (fraction of the host's CPU used by other work). */
    void onLoad(final double load)
    {
        lastLoad = load;
        final int level = LoadSampler.level(load, config.spinBelow(), config.sleepBelow());
        if (level != idleLevel)
        {
            idleLevel = level;
            for (final ProcessRecord p : new ArrayList<>(processes.values()))
            {
                if (p.registered)
                {
                    proxy.idleLevel(p, level);
                }
            }
        }
    }

    /** Stop: every process's socket closes (they see the daemon go), heaps' descriptors close. */
    void close()
    {
        for (final ProcessRecord p : new ArrayList<>(processes.values()))
        {
            p.gone = true;
            if (p.socket != null)
            {
                p.socket.close();
            }
        }
        processes.clear();
        for (final HeapRecord h : heaps.values())
        {
            io.rpcool.nativeio.SharedMemory.close(h.fd);
        }
        heaps.clear();
    }
}
