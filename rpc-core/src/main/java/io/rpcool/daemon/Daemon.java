package io.rpcool.daemon;

import io.rpcool.idle.IdleLevels;
import static io.rpcool.daemon.ControlProtocol.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.rpcool.control.ChannelEntry;
import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.ControlPlanes;
import io.rpcool.control.PoolHeap;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.nativeio.Errno;
import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.NativeException;
import io.rpcool.nativeio.SeqPacketSocket;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSource;
import io.rpcool.seal.SealBackends;

/**
 * The trusted per-host daemon. It creates heap memory and hands it to processes as file
 * descriptors, assigns every heap its address, tracks which process maps which heap, notices
 * processes that die (their control socket closes), frees heaps that no live process maps,
 * enforces the per-process shared-memory quota, and publishes the host's idle level. It also
 * picks the host's seal backend ({@link SealBackends#select}): when that backend owns heap memory
 * (the kernel module), connection heaps are created through it and processes receive one-time
 * grants instead of memfds.
 *
 * <p>With a control plane ({@link ControlPlane}, configured by {@code rpcool.orchestrator}) the daemon is
 * one host of a cluster that shares a memory pool: every heap is a file of the pool at an address
 * the orchestrator hands out, unique in the cluster; every mapping holds a lease; channels are
 * published cluster-wide, and a client here connects to a server on another host by exchanging
 * messages with that host's daemon ({@link PeerMessages}). The end that stays learns of the other's
 * death from its daemon (a process of this host) or from the control plane (a process or a whole
 * host elsewhere).
 *
 * <p>Processes renew a lease with the daemon ({@code LEASE_RENEW}); one that stops renewing for
 * {@link DaemonConfig#leaseTimeoutMs()} is treated as dead, like one whose socket closed.
 *
 * <p>Run it standalone ({@code ./rpcool daemon}) or embedded: {@code Rpcool.launch()} starts one
 * inside the first process that finds none, as an embedded media driver does.
 */
public final class Daemon implements AutoCloseable
{
    private final DaemonConfig config;
    private final Path socketPath;
    private final SeqPacketSocket listener;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AddressSpace addressSpace;
    private final SealBackends.Selection seal;
    /** The cluster's control plane, or null on a single host. */
    private final ControlPlane control;
    /** Processes of other hosts that are ends of connections with this host, by "host/pid". */
    private final Map<String, ProcessRecord> remoteProcesses = new LinkedHashMap<>();
    /** Answers from other hosts' daemons, by the id of the local connection (or heap) they answer. */
    private final Map<Long, CompletableFuture<String[]>> remoteAnswers = new ConcurrentHashMap<>();
    private final Thread acceptThread;
    private final Thread samplerThread;
    private final AtomicLong ids = new AtomicLong();
    private final long startedAtMs = System.currentTimeMillis();

    private final Map<Long, ProcessRecord> processes = new LinkedHashMap<>();
    private final java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newCachedThreadPool(r ->
    {
        final Thread t = new Thread(r, "rpcool-daemon-worker");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ChannelRecord> channels = new LinkedHashMap<>();
    private final Map<Long, ConnectionRecord> connections = new LinkedHashMap<>();
    private final Map<Long, HeapRecord> heaps = new LinkedHashMap<>();
    private final Map<Long, CompletableFuture<String>> pendingAnswers = new ConcurrentHashMap<>();
    private volatile int idleLevel = IdleLevels.SPIN;
    private volatile double lastLoad = 0;
    private volatile boolean running = true;

    private Daemon(final DaemonConfig config, final FileChannel lockChannel, final FileLock lock)
    {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.socketPath = config.directory().resolve(SOCKET_NAME);
        this.addressSpace = new AddressSpace(config.windowBase(), config.windowEnd());
        this.seal = SealBackends.select(config.sealBackend());
        try
        {
            this.control = ControlPlanes.load(config.orchestrator(), new ClusterSettings(
                config.hostId(), config.poolDirectory(), config.leaseTimeoutMs(), config.windowBase(), config.windowEnd()));
        }
        catch (final RuntimeException e)
        {
            closeHeapSource();
            throw e;
        }
        try
        {
            Files.deleteIfExists(socketPath);
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot remove stale daemon socket " + socketPath, e);
        }
        try
        {
            this.listener = SeqPacketSocket.listen(socketPath.toString());
        }
        catch (final RuntimeException e)
        {
            closeHeapSource();
            if (control != null)
            {
                control.close();
            }
            throw e;
        }
        this.acceptThread = new Thread(this::acceptLoop, "rpcool-daemon-accept");
        this.acceptThread.setDaemon(true);
        this.samplerThread = new Thread(this::sampleLoop, "rpcool-daemon-load");
        this.samplerThread.setDaemon(true);
    }

    /**
     * Start a daemon in this process.
     *
     * @throws DaemonAlreadyRunningException if another daemon holds the directory.
     */
    public static Daemon start(final DaemonConfig config)
    {
        Native.ensureAvailability();
        final Daemon daemon = tryStart(config);
        if (daemon == null)
        {
            throw new DaemonAlreadyRunningException(config.directory());
        }
        return daemon;
    }

    /**
     * Start a daemon unless one already holds the directory's lock.
     *
     * @return the daemon, or null if another process runs one.
     */
    public static Daemon tryStart(final DaemonConfig config)
    {
        try
        {
            Files.createDirectories(config.directory());
            final Path lockPath = config.directory().resolve(LOCK_NAME);
            final FileChannel channel = new RandomAccessFile(lockPath.toFile(), "rw").getChannel();
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                channel.close();
                return null;
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((Native.pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            final Daemon daemon;
            try
            {
                daemon = new Daemon(config, channel, lock);
            }
            catch (final RuntimeException e)
            {
                lock.release();
                channel.close();
                throw e;
            }
            if (daemon.control != null)
            {
                try
                {
                    daemon.control.start(daemon.new ClusterListener());
                }
                catch (final RuntimeException e)
                {
                    daemon.close();
                    throw e;
                }
            }
            daemon.acceptThread.start();
            daemon.samplerThread.start();
            return daemon;
        }
        catch (final java.nio.channels.OverlappingFileLockException e)
        {
            return null;
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot start daemon in " + config.directory() + ": " + e, e);
        }
    }

    public Path socketPath()
    {
        return socketPath;
    }

    public DaemonConfig config()
    {
        return config;
    }

    /** The cluster's control plane, or null on a single host. */
    public ControlPlane controlPlane()
    {
        return control;
    }

    /** Name of the seal backend this daemon uses for the host. */
    public String sealBackend()
    {
        return seal.backend.name();
    }

    /** True if connection heaps are created through the seal backend (the kernel module) rather than as memfds. */
    public boolean heapsOwnedBySealBackend()
    {
        return seal.heapSource != null;
    }

    private void closeHeapSource()
    {
        if (seal.heapSource != null)
        {
            seal.heapSource.close();
        }
    }

    private void acceptLoop()
    {
        while (running)
        {
            final SeqPacketSocket socket;
            try
            {
                socket = listener.accept();
            }
            catch (final NativeException e)
            {
                if (!running)
                {
                    return;
                }
                if (e.errno() == Errno.EINTR)
                {
                    continue;
                }
                System.err.println("rpcool daemon: accept failed: " + e.getMessage());
                return;
            }
            final Thread t = new Thread(() -> serve(socket), "rpcool-daemon-process");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(final SeqPacketSocket socket)
    {
        final int pid;
        try
        {
            pid = socket.peerPid();
        }
        catch (final RuntimeException e)
        {
            socket.close();
            return;
        }
        final ProcessRecord process = new ProcessRecord(ids.incrementAndGet(), pid, socket);
        final Message in = new Message();
        try
        {
            while (running && in.receive(socket))
            {
                try
                {
                    handle(process, in);
                }
                catch (final Message.MalformedMessageException e)
                {
                    process.reply(Message.outgoing().begin(ERROR, in.requestId()).putInt(E_BAD_REQUEST).putString(e.getMessage()));
                }
                finally
                {
                    if (in.fd() >= 0)
                    {
                        SharedMemory.close(in.fd());
                    }
                }
            }
        }
        catch (final RuntimeException e)
        {
            if (running)
            {
                System.err.println("rpcool daemon: connection of process " + pid + " failed: " + e);
            }
        }
        finally
        {
            processGone(process);
            socket.close();
        }
    }

    private void handle(final ProcessRecord process, final Message in)
    {
        final int type = in.type();
        final long requestId = in.requestId();
        if (type != HELLO && type != ACCEPT && type != REJECT && !process.registered)
        {
            process.reply(error(requestId, E_NOT_REGISTERED, "send HELLO first"));
            return;
        }
        switch (type)
        {
            case HELLO:
                onHello(process, requestId, in.getString(), in.getString());
                break;
            case OPEN_CHANNEL:
                onOpenChannel(process, requestId, in.getString(), in.getString(), in.getString(), in.getInt());
                break;
            case CLOSE_CHANNEL:
                onCloseChannel(process, requestId, in.getLong());
                break;
            case CONNECT:
                onConnect(process, requestId, in.getString(), in.getInt(), in.getInt(), in.getString(), false);
                break;
            case CONNECT_READY:
            {
                // Waits for the server's answer, which may arrive on this very socket: not on the reader thread.
                final long connectionId = in.getLong();
                workers.execute(() -> onConnectReady(process, requestId, connectionId));
                break;
            }
            case CONNECT_ABORT:
                onConnectAbort(process, requestId, in.getLong(), in.getString());
                break;
            case DETACH:
                onDetach(process, requestId, in.getLong());
                break;
            case CLOSE_CONNECTION:
                onCloseConnection(process, requestId, in.getLong());
                break;
            case STAT:
                process.reply(Message.outgoing().begin(OK, requestId).putString(statReport()));
                break;
            case LEASE_RENEW:
                process.lastRenewNs = System.nanoTime();
                process.leased = true;
                process.reply(Message.outgoing().begin(OK, requestId).putLong(config.leaseTimeoutMs()));
                break;
            case ADD_HEAP:
                onAddHeap(process, requestId, in.getInt(), in.getLong(), in.getLong());
                break;
            case HEAP_READY:
            {
                // Waits for the other parties to map the heap: not on the reader thread.
                final long heapId = in.getLong();
                workers.execute(() -> onHeapReady(process, requestId, heapId));
                break;
            }
            case MAP_HEAP:
                onMapHeap(process, requestId, in.getLong());
                break;
            case ACCEPT:
            case REJECT:
            {
                final long connectionId = in.getLong();
                final String reason = type == REJECT ? in.getString() : null;
                final CompletableFuture<String> answer = pendingAnswers.remove(requestId);
                if (answer != null)
                {
                    answer.complete(type == ACCEPT ? "" : reason);
                }
                break;
            }
            default:
                process.reply(error(requestId, E_BAD_REQUEST, "unknown control message type " + type));
        }
    }

    private void onHello(final ProcessRecord process, final long requestId, final String name, final String domain)
    {
        synchronized (this)
        {
            process.name = name;
            process.domain = domain;
            process.registered = true;
            processes.put(process.id, process);
        }
        process.reply(Message.outgoing().begin(OK, requestId).putInt(Native.pid()).putInt(idleLevel).putLong(config.quotaBytes())
            .putString(seal.backend.name()).putLong(config.leaseTimeoutMs()).putString(control == null ? "" : control.hostId()));
    }

    private void onOpenChannel(
        final ProcessRecord process, final long requestId, final String name, final String domain, final String host, final int port)
    {
        final String problem = ChannelNames.validate(name);
        if (problem != null)
        {
            process.reply(error(requestId, E_BAD_REQUEST, problem));
            return;
        }
        final ChannelRecord channel;
        synchronized (this)
        {
            final ChannelRecord existing = channels.get(name);
            if (existing != null)
            {
                process.reply(error(requestId, E_CHANNEL_EXISTS,
                    "channel " + name + " is already open (by process " + existing.owner.pid + ")"));
                return;
            }
            channel = new ChannelRecord(ids.incrementAndGet(), name, process, domain, host, port);
            channels.put(name, channel);
        }
        if (control != null)
        {
            try
            {
                control.publishChannel(new ChannelEntry(name, control.hostId(), channel.id, process.pid, domain, host, port));
            }
            catch (final ControlPlaneException e)
            {
                synchronized (this)
                {
                    channels.remove(name);
                }
                process.reply(error(requestId, e.reason() == ControlPlaneException.CHANNEL_EXISTS ? E_CHANNEL_EXISTS : E_PEER_UNAVAILABLE,
                    e.getMessage()));
                return;
            }
        }
        process.reply(Message.outgoing().begin(OK, requestId).putLong(channel.id));
    }

    private void onCloseChannel(final ProcessRecord process, final long requestId, final long channelId)
    {
        final List<ConnectionRecord> closed = new ArrayList<>();
        final List<String> withdrawn = new ArrayList<>();
        synchronized (this)
        {
            channels.values().removeIf(c ->
            {
                if (c.id == channelId && c.owner == process)
                {
                    withdrawn.add(c.name);
                    for (final ConnectionRecord conn : connections.values())
                    {
                        if (conn.channel == c)
                        {
                            closed.add(conn);
                        }
                    }
                    return true;
                }
                return false;
            });
        }
        withdraw(withdrawn);
        for (final ConnectionRecord conn : closed)
        {
            closeConnection(conn, process, "channel " + conn.channel.name + " was closed by its server");
        }
        process.reply(Message.outgoing().begin(OK, requestId));
    }

    private void onConnect(
        final ProcessRecord process,
        final long requestId,
        final String name,
        final int slots,
        final int bufferSize,
        final String domain,
        final boolean waited)
    {
        final long length;
        try
        {
            length = ConnectionDescriptor.heapLength(slots, bufferSize);
        }
        catch (final IllegalArgumentException e)
        {
            process.reply(error(requestId, E_BAD_REQUEST, e.getMessage()));
            return;
        }
        final ConnectionRecord conn;
        final HeapRecord heap;
        long token = 0;
        synchronized (this)
        {
            ChannelRecord channel = channels.get(name);
            if (channel == null && control != null)
            {
                try
                {
                    channel = remoteChannel(control.findChannel(name));
                }
                catch (final ControlPlaneException e)
                {
                    process.reply(error(requestId, E_PEER_UNAVAILABLE, e.getMessage()));
                    return;
                }
            }
            if (channel == null)
            {
                process.reply(error(requestId, E_NO_SUCH_CHANNEL, "no channel named " + name + " is open" +
                    (control == null ? "" : " in the cluster")));
                return;
            }
            if (!channel.domain.equals(domain))
            {
                process.reply(Message.outgoing().begin(CONNECT_TCP, requestId)
                    .putString(channel.host).putInt(channel.port).putString(channel.domain));
                return;
            }
            for (final ProcessRecord p : new ProcessRecord[] {process, channel.owner})
            {
                if (!p.isLocal())
                {
                    continue;   // its own daemon checks it
                }
                if (p.quotaUsed + length > config.quotaBytes())
                {
                    if (!waited && !p.releasing.isEmpty())
                    {
                        // Heaps of connections closed a moment ago are still on their way back:
                        // wait for them (not on this reader thread, which may carry the release).
                        workers.execute(() ->
                        {
                            awaitReleases(p, length);
                            onConnect(process, requestId, name, slots, bufferSize, domain, true);
                        });
                        return;
                    }
                    process.reply(error(requestId, E_QUOTA_EXCEEDED, String.format(
                        "a connection heap of %d bytes would take %s process %d over its shared-memory quota of %d bytes " +
                        "(%d in use; set with --quota or rpcool.quota.bytes)",
                        length, p == process ? "this" : "server", p.pid, config.quotaBytes(), p.quotaUsed)));
                    return;
                }
            }
            if (control != null)
            {
                final HeapRecord pooled = createPoolHeap(process, requestId, length, "connection heap of " + name);
                if (pooled == null)
                {
                    return;
                }
                heap = pooled;
                conn = new ConnectionRecord(ids.incrementAndGet(), channel, process, heap);
                connections.put(conn.id, conn);
                map(heap, process);
                process.reply(Message.outgoing().begin(CONNECT_HEAP, requestId)
                    .putLong(conn.id).putLong(heap.id).putLong(heap.address).putLong(heap.length).putInt(heap.kind).putLong(0)
                    .fd(heap.fd));
                return;
            }
            final long address = addressSpace.allocate(length);
            if (address < 0)
            {
                process.reply(error(requestId, E_ADDRESS_SPACE_FULL, "the daemon's heap address window is full"));
                return;
            }
            final long heapId = ids.incrementAndGet();
            final HeapSource source = seal.heapSource;
            int fd = -1;
            long sourceId = 0;
            try
            {
                if (source == null)
                {
                    fd = SharedMemory.createSealed("rpcool-heap-" + heapId, length);
                }
                else
                {
                    sourceId = source.create(length, slots);
                    token = source.grant(sourceId, process.pid, false);
                }
            }
            catch (final RuntimeException e)
            {
                if (sourceId != 0)
                {
                    source.destroy(sourceId);
                }
                addressSpace.free(address);
                process.reply(error(requestId, E_BAD_REQUEST, "cannot create heap memory: " + e.getMessage()));
                return;
            }
            heap = new HeapRecord(heapId, address, length, fd, source == null ? HEAP_KIND_MEMFD : seal.backend.kind(), sourceId);
            heaps.put(heapId, heap);
            conn = new ConnectionRecord(ids.incrementAndGet(), channel, process, heap);
            connections.put(conn.id, conn);
            map(heap, process);
        }
        process.reply(Message.outgoing().begin(CONNECT_HEAP, requestId)
            .putLong(conn.id).putLong(heap.id).putLong(heap.address).putLong(heap.length).putInt(heap.kind).putLong(token)
            .fd(heap.fd));
    }

    /**
     * While {@code p} is over its quota for {@code length} more bytes but still holds heaps of
     * connections that were closed (it unmaps them once told), wait for those releases, up to the
     * peer answer timeout. Caller holds the lock or not; the wait takes it.
     */
    private void awaitReleases(final ProcessRecord p, final long length)
    {
        synchronized (this)
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.peerAnswerTimeoutMs());
            while (p.quotaUsed + length > config.quotaBytes() && !p.releasing.isEmpty())
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return;
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void onConnectReady(final ProcessRecord process, final long requestId, final long connectionId)
    {
        final ConnectionRecord conn;
        final long pushId = ids.incrementAndGet();
        final CompletableFuture<String> answer = new CompletableFuture<>();
        long serverToken = 0;
        synchronized (this)
        {
            conn = connections.get(connectionId);
            if (conn == null || conn.client != process)
            {
                process.reply(error(requestId, E_BAD_REQUEST, "no pending connection " + connectionId));
                return;
            }
        }
        if (!conn.channel.owner.isLocal())
        {
            connectRemote(process, requestId, conn);
            return;
        }
        synchronized (this)
        {
            final ProcessRecord owner = conn.channel.owner;
            if (!conn.heap.mappers.containsKey(owner))
            {
                awaitReleases(owner, conn.heap.length);
            }
            if (!conn.heap.mappers.containsKey(owner) && owner.quotaUsed + conn.heap.length > config.quotaBytes())
            {
                process.reply(error(requestId, E_QUOTA_EXCEEDED, String.format(
                    "the server process %d of %s is at its shared-memory quota of %d bytes",
                    conn.channel.owner.pid, conn.channel.name, config.quotaBytes())));
                return;
            }
            if (conn.heap.sourceId != 0)
            {
                try
                {
                    serverToken = seal.heapSource.grant(conn.heap.sourceId, conn.channel.owner.pid, true);
                }
                catch (final RuntimeException e)
                {
                    process.reply(error(requestId, E_BAD_REQUEST, "cannot grant the server the connection heap: " + e.getMessage()));
                    return;
                }
            }
            map(conn.heap, conn.channel.owner);
            pendingAnswers.put(pushId, answer);
        }
        final ProcessRecord server = conn.channel.owner;
        try
        {
            server.reply(Message.outgoing().begin(NEW_CONNECTION, pushId)
                .putLong(conn.id).putLong(conn.channel.id).putLong(conn.heap.id)
                .putLong(conn.heap.address).putLong(conn.heap.length).putInt(process.pid)
                .putInt(conn.heap.kind).putLong(serverToken).fd(conn.heap.fd));
        }
        catch (final RuntimeException e)
        {
            pendingAnswers.remove(pushId);
            answer.complete("server process " + server.pid + " is not reachable: " + e.getMessage());
        }
        String reason;
        try
        {
            reason = answer.get(config.peerAnswerTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception e)
        {
            reason = "server process " + server.pid + " did not answer within " + config.peerAnswerTimeoutMs() + " ms";
        }
        finally
        {
            pendingAnswers.remove(pushId);
        }
        if (reason.isEmpty())
        {
            synchronized (this)
            {
                conn.accepted = true;
            }
            final Message ok = Message.outgoing().begin(OK, requestId).putInt(server.pid).putLong(conn.channel.id);
            synchronized (this)
            {
                ok.putInt(conn.channel.sharedHeaps.size());
                for (final HeapRecord h : conn.channel.sharedHeaps)
                {
                    ok.putLong(h.id);
                }
            }
            process.reply(ok);
        }
        else
        {
            synchronized (this)
            {
                connections.remove(conn.id);
                unmap(conn.heap, server);
            }
            process.reply(error(requestId, E_REJECTED, reason));
        }
    }

    private void onConnectAbort(final ProcessRecord process, final long requestId, final long connectionId, final String reason)
    {
        synchronized (this)
        {
            final ConnectionRecord conn = connections.get(connectionId);
            if (conn != null && conn.client == process)
            {
                connections.remove(connectionId);
            }
        }
        process.reply(Message.outgoing().begin(OK, requestId));
    }

    private void onDetach(final ProcessRecord process, final long requestId, final long heapId)
    {
        synchronized (this)
        {
            final HeapRecord heap = heaps.get(heapId);
            if (heap != null)
            {
                unmap(heap, process);
            }
        }
        process.reply(Message.outgoing().begin(OK, requestId));
    }

    private void onCloseConnection(final ProcessRecord process, final long requestId, final long connectionId)
    {
        final ConnectionRecord conn;
        synchronized (this)
        {
            conn = connections.get(connectionId);
        }
        if (conn != null && (conn.client == process || conn.channel.owner == process))
        {
            closeConnection(conn, process, (conn.client == process ? "client " : "server ") + process.pid + " closed the connection");
        }
        process.reply(Message.outgoing().begin(OK, requestId));
    }

    private void onAddHeap(final ProcessRecord process, final long requestId, final int scope, final long ownerId, final long length)
    {
        if (length <= 0 || length > Integer.MAX_VALUE || (scope != SCOPE_CONNECTION && scope != SCOPE_CHANNEL))
        {
            process.reply(error(requestId, E_BAD_REQUEST, "bad heap request: scope " + scope + ", length " + length));
            return;
        }
        final long size = (length + 4095) & ~4095L;
        final HeapRecord heap;
        synchronized (this)
        {
            final List<ProcessRecord> parties = parties(scope, ownerId);
            if (parties == null || !parties.contains(process))
            {
                process.reply(error(requestId, E_BAD_REQUEST,
                    "process " + process.pid + " is not a party of " + (scope == SCOPE_CHANNEL ? "channel " : "connection ") + ownerId));
                return;
            }
            for (final ProcessRecord p : parties)
            {
                if (p.quotaUsed + size > config.quotaBytes())
                {
                    process.reply(error(requestId, E_QUOTA_EXCEEDED, String.format(
                        "a heap of %d bytes would take %s process %d over its shared-memory quota of %d bytes " +
                        "(%d in use; set with --quota or rpcool.quota.bytes)",
                        size, p == process ? "this" : "peer", p.pid, config.quotaBytes(), p.quotaUsed)));
                    return;
                }
            }
            if (control != null)
            {
                if (scope == SCOPE_CHANNEL && hasRemoteParty(parties))
                {
                    process.reply(error(requestId, E_BAD_REQUEST, "channel " + ownerId + " has clients on other hosts: " +
                        "its shared heaps cannot grow across hosts"));
                    return;
                }
                heap = createPoolHeap(process, requestId, size, (scope == SCOPE_CHANNEL ? "channel " : "connection ") + ownerId + " data");
                if (heap == null)
                {
                    return;
                }
            }
            else
            {
                final long address = addressSpace.allocate(size);
                if (address < 0)
                {
                    process.reply(error(requestId, E_ADDRESS_SPACE_FULL, "the daemon's heap address window is full"));
                    return;
                }
                final long heapId = ids.incrementAndGet();
                final int fd;
                try
                {
                    fd = SharedMemory.createSealed("rpcool-heap-" + heapId, size);
                }
                catch (final NativeException e)
                {
                    addressSpace.free(address);
                    process.reply(error(requestId, E_BAD_REQUEST, "cannot create heap memory: " + e.getMessage()));
                    return;
                }
                heap = new HeapRecord(heapId, address, size, fd, HEAP_KIND_MEMFD, 0);
            }
            heap.scope = scope;
            heap.ownerId = ownerId;
            heap.creator = process;
            heaps.put(heap.id, heap);
            if (scope == SCOPE_CHANNEL)
            {
                channelById(ownerId).sharedHeaps.add(heap);
            }
            else
            {
                connections.get(ownerId).dataHeaps.add(heap);
            }
            map(heap, process);
        }
        process.reply(Message.outgoing().begin(HEAP, requestId).putLong(heap.id).putLong(heap.address).putLong(heap.length).fd(heap.fd));
    }

    /**
     * The creator formatted a new heap: every other party maps it before the creator may hand out
     * pointers into it.
     */
    private void onHeapReady(final ProcessRecord process, final long requestId, final long heapId)
    {
        final HeapRecord heap;
        final List<ProcessRecord> others = new ArrayList<>();
        synchronized (this)
        {
            heap = heaps.get(heapId);
            if (heap == null || heap.creator != process)
            {
                process.reply(error(requestId, E_BAD_REQUEST, "no heap " + heapId + " of this process"));
                return;
            }
            final List<ProcessRecord> parties = parties(heap.scope, heap.ownerId);
            if (parties != null)
            {
                for (final ProcessRecord p : parties)
                {
                    if (p != process && !heap.mappers.containsKey(p))
                    {
                        others.add(p);
                    }
                }
            }
        }
        final List<String> problems = new ArrayList<>();
        for (final ProcessRecord other : others)
        {
            if (!other.isLocal())
            {
                final String problem = shareHeapRemotely(heap, other);
                if (problem != null)
                {
                    problems.add(problem);
                }
                continue;
            }
            final long pushId = ids.incrementAndGet();
            final CompletableFuture<String> answer = new CompletableFuture<>();
            pendingAnswers.put(pushId, answer);
            synchronized (this)
            {
                map(heap, other);
            }
            try
            {
                other.reply(Message.outgoing().begin(NEW_HEAP, pushId).putInt(heap.scope).putLong(heap.ownerId)
                    .putLong(heap.id).putLong(heap.address).putLong(heap.length).fd(heap.fd));
                final String reason = answer.get(config.peerAnswerTimeoutMs(), TimeUnit.MILLISECONDS);
                if (!reason.isEmpty())
                {
                    problems.add("process " + other.pid + ": " + reason);
                }
            }
            catch (final Exception e)
            {
                problems.add("process " + other.pid + " did not map the heap: " + e);
            }
            finally
            {
                pendingAnswers.remove(pushId);
            }
            if (!problems.isEmpty())
            {
                synchronized (this)
                {
                    unmap(heap, other);
                }
            }
        }
        if (problems.isEmpty())
        {
            process.reply(Message.outgoing().begin(OK, requestId));
        }
        else
        {
            process.reply(error(requestId, E_REJECTED, String.join("; ", problems)));
        }
    }

    private void onMapHeap(final ProcessRecord process, final long requestId, final long heapId)
    {
        final HeapRecord heap;
        synchronized (this)
        {
            heap = heaps.get(heapId);
            final List<ProcessRecord> parties = heap == null ? null : parties(heap.scope, heap.ownerId);
            if (parties == null || !parties.contains(process))
            {
                process.reply(error(requestId, E_BAD_REQUEST, "heap " + heapId + " is not shared with process " + process.pid));
                return;
            }
            if (!heap.mappers.containsKey(process) && process.quotaUsed + heap.length > config.quotaBytes())
            {
                process.reply(error(requestId, E_QUOTA_EXCEEDED, String.format(
                    "mapping heap %d of %d bytes would take this process %d over its shared-memory quota of %d bytes (%d in use)",
                    heapId, heap.length, process.pid, config.quotaBytes(), process.quotaUsed)));
                return;
            }
            if (!heap.mappers.containsKey(process))
            {
                // A process maps a data heap once, however many of its connections use it.
                map(heap, process);
            }
        }
        process.reply(Message.outgoing().begin(HEAP, requestId).putLong(heap.id).putLong(heap.address).putLong(heap.length).fd(heap.fd));
    }

    /** The processes a data heap of this scope is shared between; caller holds the lock. */
    private List<ProcessRecord> parties(final int scope, final long ownerId)
    {
        final List<ProcessRecord> parties = new ArrayList<>();
        if (scope == SCOPE_CONNECTION)
        {
            final ConnectionRecord conn = connections.get(ownerId);
            if (conn == null)
            {
                return null;
            }
            parties.add(conn.client);
            parties.add(conn.channel.owner);
            return parties;
        }
        final ChannelRecord channel = channelById(ownerId);
        if (channel == null)
        {
            return null;
        }
        parties.add(channel.owner);
        for (final ConnectionRecord conn : connections.values())
        {
            if (conn.channel == channel && conn.accepted && !parties.contains(conn.client))
            {
                parties.add(conn.client);
            }
        }
        return parties;
    }

    private ChannelRecord channelById(final long id)
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

    /**
     * Forget a connection and tell the end that did not close it.
     */
    private void closeConnection(final ConnectionRecord conn, final ProcessRecord closer, final String reason)
    {
        final ProcessRecord other;
        synchronized (this)
        {
            if (connections.remove(conn.id) == null)
            {
                return;
            }
            other = conn.client == closer ? conn.channel.owner : conn.client;
            if (conn.heap.mappers.containsKey(other))
            {
                // Told below that the peer is gone, it unmaps the heap: count it as on its way back.
                other.releasing.add(conn.heap);
            }
        }
        if (!other.isLocal())
        {
            if (conn.remoteConnId != 0)
            {
                sendPeer(other.host, PeerMessages.peerGone(conn.remoteConnId, closer.pid, reason));
            }
            return;
        }
        push(other, Message.outgoing().begin(PEER_GONE, ids.incrementAndGet()).putLong(conn.id).putInt(closer.pid).putString(reason));
    }

    private void processGone(final ProcessRecord process)
    {
        final List<ConnectionRecord> affected = new ArrayList<>();
        final List<String> withdrawn = new ArrayList<>();
        synchronized (this)
        {
            if (processes.remove(process.id) == null)
            {
                return;
            }
            channels.values().removeIf(c ->
            {
                if (c.owner == process)
                {
                    withdrawn.add(c.name);
                    return true;
                }
                return false;
            });
            for (final ConnectionRecord conn : connections.values())
            {
                if (conn.client == process || conn.channel.owner == process)
                {
                    affected.add(conn);
                }
            }
        }
        withdraw(withdrawn);
        // Tell the other ends first: unmapping the last local use of a heap forgets its connections,
        // and the other end of a connection across hosts maps the heap on its own host, not here.
        for (final ConnectionRecord conn : affected)
        {
            closeConnection(conn, process, process.expired ?
                "process " + process.pid + " (" + process.name + ") stopped renewing its lease" :
                "process " + process.pid + " (" + process.name + ") exited");
        }
        synchronized (this)
        {
            for (final HeapRecord heap : new ArrayList<>(heaps.values()))
            {
                final int[] uses = heap.mappers.get(process);
                if (uses != null)
                {
                    uses[0] = 1;
                }
                unmap(heap, process);
            }
        }
    }

    private void push(final ProcessRecord to, final Message message)
    {
        try
        {
            to.reply(message);
        }
        catch (final RuntimeException e)
        {
            // The process is gone as well; its own cleanup runs when its socket closes.
        }
    }

    /**
     * Count one use of the heap by the process (a process that is both client and server of a
     * connection uses it twice, through one mapping); the quota counts the heap once per process.
     */
    private void map(final HeapRecord heap, final ProcessRecord process)
    {
        final int[] uses = heap.mappers.get(process);
        if (uses != null)
        {
            uses[0]++;
            return;
        }
        heap.mappers.put(process, new int[] {1});
        process.quotaUsed += heap.length;
        if (heap.pooled && process.isLocal() && heap.initialLeasePid == process.pid)
        {
            heap.initialLeasePid = 0;   // taken with the heap
        }
        else if (heap.pooled && process.isLocal())
        {
            try
            {
                control.acquireLease(heap.address, process.pid);
            }
            catch (final ControlPlaneException e)
            {
                System.err.println("rpcool daemon: cannot take the lease of heap 0x" + Long.toHexString(heap.address) +
                    " for process " + process.pid + ": " + e.getMessage());
            }
        }
    }

    /** Drop one use; free the heap's memory and address once nobody maps it. Caller holds the lock. */
    private void unmap(final HeapRecord heap, final ProcessRecord process)
    {
        final int[] uses = heap.mappers.get(process);
        if (uses != null && --uses[0] == 0)
        {
            heap.mappers.remove(process);
            process.quotaUsed -= heap.length;
            process.releasing.remove(heap);
            notifyAll();
            if (heap.pooled && process.isLocal())
            {
                releaseLease(heap, process.pid);
            }
        }
        if (heap.mappers.isEmpty())
        {
            heaps.remove(heap.id);
            connections.values().removeIf(c -> c.heap == heap);
            for (final ConnectionRecord c : connections.values())
            {
                c.dataHeaps.remove(heap);
            }
            for (final ChannelRecord c : channels.values())
            {
                c.sharedHeaps.remove(heap);
            }
            SharedMemory.close(heap.fd);
            if (heap.pooled)
            {
                // The address and the pool memory are the orchestrator's: it reclaims them once the
                // heap's last lease in the cluster is gone.
                return;
            }
            if (heap.sourceId != 0)
            {
                try
                {
                    seal.heapSource.destroy(heap.sourceId);
                }
                catch (final RuntimeException e)
                {
                    System.err.println("rpcool daemon: cannot destroy heap " + heap.id + ": " + e.getMessage());
                }
            }
            addressSpace.free(heap.address);
        }
    }

    // ---------------------------------------------------------------- cluster (control plane present)

    /**
     * A new heap in the cluster's pool for {@code creator}, registered here; on failure the process
     * gets the error and the result is null. Caller holds the lock.
     */
    private HeapRecord createPoolHeap(final ProcessRecord creator, final long requestId, final long length, final String purpose)
    {
        final PoolHeap ph;
        try
        {
            ph = control.createHeap(length, creator.pid, purpose);
        }
        catch (final ControlPlaneException e)
        {
            creator.reply(error(requestId, e.reason() == ControlPlaneException.POOL_FULL ? E_ADDRESS_SPACE_FULL : E_PEER_UNAVAILABLE,
                "cannot create a heap in the cluster's pool: " + e.getMessage()));
            return null;
        }
        final HeapRecord heap = new HeapRecord(ids.incrementAndGet(), ph.address(), ph.length(), ph.fd(), HEAP_KIND_MEMFD, 0);
        heap.pooled = true;
        heap.initialLeasePid = creator.pid;
        heaps.put(heap.id, heap);
        return heap;
    }

    private void releaseLease(final HeapRecord heap, final int pid)
    {
        try
        {
            control.releaseLease(heap.address, pid);
        }
        catch (final ControlPlaneException e)
        {
            System.err.println("rpcool daemon: cannot release the lease of heap 0x" + Long.toHexString(heap.address) +
                " held by process " + pid + " (it expires with this host's session): " + e.getMessage());
        }
    }

    private void withdraw(final List<String> names)
    {
        if (control == null)
        {
            return;
        }
        for (final String name : names)
        {
            try
            {
                control.withdrawChannel(name);
            }
            catch (final ControlPlaneException e)
            {
                System.err.println("rpcool daemon: cannot withdraw channel " + name + ": " + e.getMessage());
            }
        }
    }

    /** A record for a process on another host; caller holds the lock. */
    private ProcessRecord remoteProcess(final String host, final int pid)
    {
        return remoteProcesses.computeIfAbsent(host + "/" + pid, k ->
        {
            final ProcessRecord p = new ProcessRecord(ids.incrementAndGet(), pid, null);
            p.host = host;
            p.name = "remote";
            p.registered = true;
            return p;
        });
    }

    /** A channel served on another host, as a record of this daemon; caller holds the lock. */
    private ChannelRecord remoteChannel(final ChannelEntry entry)
    {
        if (entry == null || entry.hostId().equals(control.hostId()))
        {
            return null;
        }
        return new ChannelRecord(entry.channelId(), entry.name(), remoteProcess(entry.hostId(), entry.serverPid()),
            entry.domain(), entry.tcpHost(), entry.tcpPort());
    }

    private static boolean hasRemoteParty(final List<ProcessRecord> parties)
    {
        for (final ProcessRecord p : parties)
        {
            if (!p.isLocal())
            {
                return true;
            }
        }
        return false;
    }

    private void sendPeer(final String host, final byte[] message)
    {
        try
        {
            control.send(host, message);
        }
        catch (final ControlPlaneException e)
        {
            System.err.println("rpcool daemon: cannot reach host " + host + ": " + e.getMessage());
        }
    }

    /** The client's half of a connection to a server on another host: ask that host's daemon, relay the answer. */
    private void connectRemote(final ProcessRecord process, final long requestId, final ConnectionRecord conn)
    {
        final ProcessRecord server = conn.channel.owner;
        final CompletableFuture<String[]> answer = new CompletableFuture<>();
        remoteAnswers.put(conn.id, answer);
        String[] a;
        try
        {
            control.send(server.host, PeerMessages.connectRequest(conn.id, conn.channel.name, conn.channel.id,
                conn.heap.address, conn.heap.length, process.pid));
            a = answer.get(config.peerAnswerTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception e)
        {
            a = new String[] {"the daemon of host " + server.host + " did not answer: " + e, "0", "0", String.valueOf(E_PEER_UNAVAILABLE)};
        }
        finally
        {
            remoteAnswers.remove(conn.id);
        }
        if (a[0].isEmpty())
        {
            final boolean stillOpen;
            synchronized (this)
            {
                conn.accepted = true;
                conn.remoteConnId = Long.parseLong(a[1]);
                stillOpen = connections.containsKey(conn.id);
            }
            if (!stillOpen)
            {
                sendPeer(server.host, PeerMessages.peerGone(conn.remoteConnId, process.pid, "client " + process.pid + " went away"));
            }
            // No pid across hosts: the client learns of the server's end from the control plane, not a pidfd.
            process.reply(Message.outgoing().begin(OK, requestId).putInt(0).putLong(conn.channel.id).putInt(0));
        }
        else
        {
            synchronized (this)
            {
                connections.remove(conn.id);
            }
            process.reply(error(requestId, Integer.parseInt(a[3]), a[0]));
        }
    }

    /** The server's half of a connection from a client on another host. */
    private void onConnectRequest(final String fromHost, final PeerMessages.Reader in)
    {
        final long fromConn = in.getLong();
        final String name = in.getString();
        final long channelId = in.getLong();
        final long address = in.getLong();
        final long length = in.getLong();
        final int clientPid = in.getInt();
        final ProcessRecord owner;
        synchronized (this)
        {
            final ChannelRecord channel = channels.get(name);
            String problem = null;
            int code = E_REJECTED;
            if (channel == null || channel.id != channelId)
            {
                problem = "channel " + name + " is no longer open on host " + control.hostId();
                code = E_NO_SUCH_CHANNEL;
            }
            else if (!channel.sharedHeaps.isEmpty())
            {
                problem = "channel " + name + " keeps shared heaps, which are not mapped across hosts";
            }
            else if (channel.owner.quotaUsed + length > config.quotaBytes())
            {
                problem = String.format("a connection heap of %d bytes would take server process %d over its shared-memory quota of " +
                    "%d bytes (%d in use)", length, channel.owner.pid, config.quotaBytes(), channel.owner.quotaUsed);
                code = E_QUOTA_EXCEEDED;
            }
            if (problem != null)
            {
                sendPeer(fromHost, PeerMessages.connectAnswer(fromConn, problem, 0, 0, code));
                return;
            }
            owner = channel.owner;
        }
        final PoolHeap ph;
        try
        {
            ph = control.openHeap(address, length, owner.pid);
        }
        catch (final ControlPlaneException e)
        {
            sendPeer(fromHost, PeerMessages.connectAnswer(fromConn, "cannot open the connection heap: " + e.getMessage(), 0, 0,
                E_PEER_UNAVAILABLE));
            return;
        }
        final HeapRecord heap;
        final ConnectionRecord conn;
        final long pushId = ids.incrementAndGet();
        final CompletableFuture<String> answer = new CompletableFuture<>();
        synchronized (this)
        {
            final ChannelRecord channel = channels.get(name);
            heap = new HeapRecord(ids.incrementAndGet(), address, ph.length(), ph.fd(), HEAP_KIND_MEMFD, 0);
            heap.pooled = true;
            heap.initialLeasePid = owner.pid;
            heaps.put(heap.id, heap);
            if (channel == null || channel.owner != owner)
            {
                unmapNobody(heap);
                sendPeer(fromHost, PeerMessages.connectAnswer(fromConn, "channel " + name + " closed", 0, 0, E_NO_SUCH_CHANNEL));
                control.releaseLease(address, owner.pid);
                return;
            }
            conn = new ConnectionRecord(ids.incrementAndGet(), channel, remoteProcess(fromHost, clientPid), heap);
            conn.remoteConnId = fromConn;
            connections.put(conn.id, conn);
            map(heap, owner);
            pendingAnswers.put(pushId, answer);
        }
        String reason;
        try
        {
            owner.reply(Message.outgoing().begin(NEW_CONNECTION, pushId)
                .putLong(conn.id).putLong(conn.channel.id).putLong(heap.id)
                .putLong(heap.address).putLong(heap.length).putInt(0)
                .putInt(heap.kind).putLong(0).fd(heap.fd));
            reason = answer.get(config.peerAnswerTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception e)
        {
            reason = "server process " + owner.pid + " did not answer: " + e;
        }
        finally
        {
            pendingAnswers.remove(pushId);
        }
        if (reason.isEmpty())
        {
            synchronized (this)
            {
                conn.accepted = true;
            }
            sendPeer(fromHost, PeerMessages.connectAnswer(fromConn, "", conn.id, owner.pid, 0));
        }
        else
        {
            synchronized (this)
            {
                connections.remove(conn.id);
                unmap(heap, owner);
            }
            sendPeer(fromHost, PeerMessages.connectAnswer(fromConn, reason, 0, 0, E_REJECTED));
        }
    }

    /** Forget a heap record nobody here maps (closing its descriptor). Caller holds the lock. */
    private void unmapNobody(final HeapRecord heap)
    {
        heaps.remove(heap.id);
        SharedMemory.close(heap.fd);
    }

    /** Tell the other host's end of a connection about a data heap the local end added; null or the problem. */
    private String shareHeapRemotely(final HeapRecord heap, final ProcessRecord other)
    {
        final long remoteConn;
        synchronized (this)
        {
            final ConnectionRecord conn = heap.scope == SCOPE_CONNECTION ? connections.get(heap.ownerId) : null;
            if (conn == null || conn.remoteConnId == 0)
            {
                return "process " + other.label() + ": heap " + heap.id + " has no connection across hosts";
            }
            remoteConn = conn.remoteConnId;
        }
        final CompletableFuture<String[]> answer = new CompletableFuture<>();
        remoteAnswers.put(heap.id, answer);
        try
        {
            control.send(other.host, PeerMessages.newHeap(remoteConn, heap.id, heap.address, heap.length));
            final String reason = answer.get(config.peerAnswerTimeoutMs(), TimeUnit.MILLISECONDS)[0];
            return reason.isEmpty() ? null : "process " + other.label() + ": " + reason;
        }
        catch (final Exception e)
        {
            return "process " + other.label() + " did not map the heap: " + e;
        }
        finally
        {
            remoteAnswers.remove(heap.id);
        }
    }

    private void onNewHeapMessage(final String fromHost, final PeerMessages.Reader in)
    {
        final long connId = in.getLong();
        final long answerKey = in.getLong();
        final long address = in.getLong();
        final long length = in.getLong();
        final ProcessRecord local;
        final ConnectionRecord conn;
        synchronized (this)
        {
            conn = connections.get(connId);
            if (conn == null)
            {
                sendPeer(fromHost, PeerMessages.heapAnswer(answerKey, "connection " + connId + " is gone"));
                return;
            }
            local = conn.client.isLocal() ? conn.client : conn.channel.owner;
            if (local.quotaUsed + length > config.quotaBytes())
            {
                sendPeer(fromHost, PeerMessages.heapAnswer(answerKey, String.format(
                    "a heap of %d bytes would take process %d over its shared-memory quota of %d bytes (%d in use)",
                    length, local.pid, config.quotaBytes(), local.quotaUsed)));
                return;
            }
        }
        final PoolHeap ph;
        try
        {
            ph = control.openHeap(address, length, local.pid);
        }
        catch (final ControlPlaneException e)
        {
            sendPeer(fromHost, PeerMessages.heapAnswer(answerKey, "cannot open the heap: " + e.getMessage()));
            return;
        }
        final HeapRecord heap;
        final long pushId = ids.incrementAndGet();
        final CompletableFuture<String> answer = new CompletableFuture<>();
        synchronized (this)
        {
            heap = new HeapRecord(ids.incrementAndGet(), address, ph.length(), ph.fd(), HEAP_KIND_MEMFD, 0);
            heap.pooled = true;
            heap.initialLeasePid = local.pid;
            heap.scope = SCOPE_CONNECTION;
            heap.ownerId = conn.id;
            heaps.put(heap.id, heap);
            conn.dataHeaps.add(heap);
            map(heap, local);
            pendingAnswers.put(pushId, answer);
        }
        String reason;
        try
        {
            local.reply(Message.outgoing().begin(NEW_HEAP, pushId).putInt(SCOPE_CONNECTION).putLong(conn.id)
                .putLong(heap.id).putLong(heap.address).putLong(heap.length).fd(heap.fd));
            reason = answer.get(config.peerAnswerTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception e)
        {
            reason = "process " + local.pid + " did not map the heap: " + e;
        }
        finally
        {
            pendingAnswers.remove(pushId);
        }
        if (!reason.isEmpty())
        {
            synchronized (this)
            {
                unmap(heap, local);
            }
        }
        sendPeer(fromHost, PeerMessages.heapAnswer(answerKey, reason));
    }

    /** The other host's end of a connection went away. */
    private void onPeerGoneMessage(final String fromHost, final PeerMessages.Reader in)
    {
        final long connId = in.getLong();
        final int pid = in.getInt();
        final String reason = in.getString();
        final ConnectionRecord conn;
        synchronized (this)
        {
            conn = connections.get(connId);
        }
        if (conn != null)
        {
            final ProcessRecord remote = conn.client.isLocal() ? conn.channel.owner : conn.client;
            closeConnection(conn, remote, reason + " on host " + fromHost);
        }
    }

    /** A host stopped renewing: every connection with an end there is over. */
    private void hostFailed(final String host)
    {
        final List<ConnectionRecord> affected = new ArrayList<>();
        synchronized (this)
        {
            for (final ConnectionRecord conn : connections.values())
            {
                if (host.equals(conn.client.host) || host.equals(conn.channel.owner.host))
                {
                    affected.add(conn);
                }
            }
            remoteProcesses.values().removeIf(p -> host.equals(p.host));
        }
        for (final ConnectionRecord conn : affected)
        {
            final ProcessRecord remote = conn.client.isLocal() ? conn.channel.owner : conn.client;
            closeConnection(conn, remote, "host " + host + " stopped renewing its leases (process " + remote.pid + " is presumed dead)");
        }
    }

    /** Processes that stopped renewing their lease are treated as dead. */
    private void expireLeases()
    {
        final long timeoutMs = config.leaseTimeoutMs();
        if (timeoutMs <= 0)
        {
            return;
        }
        final long now = System.nanoTime();
        final List<ProcessRecord> expired = new ArrayList<>();
        synchronized (this)
        {
            for (final ProcessRecord p : processes.values())
            {
                if (p.leased && now - p.lastRenewNs > TimeUnit.MILLISECONDS.toNanos(timeoutMs))
                {
                    expired.add(p);
                }
            }
        }
        for (final ProcessRecord p : expired)
        {
            System.err.println("rpcool daemon: process " + p.pid + " (" + p.name + ") did not renew its lease for " + timeoutMs +
                " ms: treating it as dead");
            p.expired = true;
            processGone(p);
            p.socket.close();
        }
    }

    /** Messages and failure events from the control plane, handled off its threads. */
    private final class ClusterListener implements ControlPlane.Listener
    {
        @Override
        public void onMessage(final String fromHost, final byte[] message)
        {
            workers.execute(() ->
            {
                try
                {
                    final PeerMessages.Reader in = new PeerMessages.Reader(message);
                    switch (in.type())
                    {
                        case PeerMessages.CONNECT_REQUEST:
                            onConnectRequest(fromHost, in);
                            break;
                        case PeerMessages.CONNECT_ANSWER:
                        {
                            final long conn = in.getLong();
                            final String[] a = {in.getString(), String.valueOf(in.getLong()), String.valueOf(in.getInt()),
                                String.valueOf(in.getInt())};
                            final CompletableFuture<String[]> f = remoteAnswers.get(conn);
                            if (f != null)
                            {
                                f.complete(a);
                            }
                            break;
                        }
                        case PeerMessages.PEER_GONE:
                            onPeerGoneMessage(fromHost, in);
                            break;
                        case PeerMessages.NEW_HEAP:
                            onNewHeapMessage(fromHost, in);
                            break;
                        case PeerMessages.HEAP_ANSWER:
                        {
                            final long key = in.getLong();
                            final CompletableFuture<String[]> f = remoteAnswers.get(key);
                            if (f != null)
                            {
                                f.complete(new String[] {in.getString()});
                            }
                            break;
                        }
                        default:
                            System.err.println("rpcool daemon: unknown message type " + in.type() + " from host " + fromHost);
                    }
                }
                catch (final RuntimeException e)
                {
                    if (running)
                    {
                        System.err.println("rpcool daemon: message from host " + fromHost + " failed: " + e);
                    }
                }
            });
        }

        @Override
        public void onHostFailed(final String hostId)
        {
            workers.execute(() -> hostFailed(hostId));
        }
    }

    private void sampleLoop()
    {
        final LoadSampler sampler = new LoadSampler();
        while (running)
        {
            final java.util.Set<Integer> pids = new java.util.HashSet<>();
            synchronized (this)
            {
                for (final ProcessRecord p : processes.values())
                {
                    pids.add(p.pid);
                }
            }
            pids.add(Native.pid());
            expireLeases();
            final double load = sampler.sample(pids);
            if (load >= 0)
            {
                lastLoad = load;
                final int level = LoadSampler.level(load, config.spinBelow(), config.sleepBelow());
                if (level != idleLevel)
                {
                    idleLevel = level;
                    final List<ProcessRecord> everyone;
                    synchronized (this)
                    {
                        everyone = new ArrayList<>(processes.values());
                    }
                    for (final ProcessRecord p : everyone)
                    {
                        push(p, Message.outgoing().begin(IDLE_LEVEL, 0).putInt(level));
                    }
                }
            }
            try
            {
                Thread.sleep(config.loadSampleMs());
            }
            catch (final InterruptedException e)
            {
                return;
            }
        }
    }

    private static Message error(final long requestId, final int code, final String message)
    {
        return Message.outgoing().begin(ERROR, requestId).putInt(code).putString(message);
    }

    /**
     * @return a human-readable report of channels, connections, heaps and quotas.
     */
    public synchronized String statReport()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("daemon pid %d, directory %s, up %d s%n", Native.pid(), config.directory(),
            (System.currentTimeMillis() - startedAtMs) / 1000));
        sb.append(String.format("idle level %s (other load %.0f %%; spin below %.0f %%, sleep below %.0f %%)%n",
            IdleLevels.name(idleLevel), lastLoad * 100, config.spinBelow() * 100, config.sleepBelow() * 100));
        sb.append(String.format("seal backend: %s%n", seal.backend.name()));
        sb.append(String.format("process leases: %s%n", config.leaseTimeoutMs() > 0 ?
            "expire after " + config.leaseTimeoutMs() + " ms without renewal" : "off"));
        sb.append(control == null ? String.format("cluster: none (single host)%n") :
            String.format("cluster: host %s, orchestrator %s, pool %s%n", control.hostId(), config.orchestrator(), config.poolDirectory()));
        sb.append(String.format("  %s%n", seal.describe()));
        sb.append(String.format("processes (%d), quota %d bytes each:%n", processes.size(), config.quotaBytes()));
        for (final ProcessRecord p : processes.values())
        {
            sb.append(String.format("  pid %-7d %-24s domain %-10s quota used %d / %d bytes%s%n",
                p.pid, p.name, p.domain, p.quotaUsed, config.quotaBytes(),
                p.leased ? String.format(", lease renewed %d ms ago", (System.nanoTime() - p.lastRenewNs) / 1_000_000) : ""));
        }
        sb.append(String.format("channels (%d):%n", channels.size()));
        for (final ChannelRecord c : channels.values())
        {
            sb.append(String.format("  %-24s id %-4d server pid %-7d domain %-10s tcp %s:%d%n",
                c.name, c.id, c.owner.pid, c.domain, c.host, c.port));
        }
        sb.append(String.format("connections (%d):%n", connections.size()));
        for (final ConnectionRecord c : connections.values())
        {
            sb.append(String.format("  id %-4d %-24s client %-12s server %-12s heap %d%s%n",
                c.id, c.channel.name, c.client.label(), c.channel.owner.label(), c.heap.id, c.accepted ? "" : " (connecting)"));
        }
        sb.append(String.format("heaps (%d):%n", heaps.size()));
        for (final HeapRecord h : heaps.values())
        {
            final List<Integer> pids = new ArrayList<>();
            for (final ProcessRecord p : h.mappers.keySet())
            {
                pids.add(p.pid);
            }
            final String kind = h.scope == SCOPE_CHANNEL ? "channel " + h.ownerId + " data" :
                h.scope == SCOPE_CONNECTION ? "connection " + h.ownerId + " data" : "connection queues";
            sb.append(String.format("  id %-4d address 0x%x size %d (%s, %s) mapped by pids %s%n", h.id, h.address, h.length, kind,
                h.pooled ? "pool" : h.sourceId != 0 ? seal.backend.name() + " heap " + h.sourceId : "memfd", pids));
        }
        if (control != null)
        {
            try
            {
                sb.append(control.describe());
            }
            catch (final RuntimeException e)
            {
                sb.append("cluster state unavailable: ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    public synchronized int heapCount()
    {
        return heaps.size();
    }

    public synchronized int processCount()
    {
        return processes.size();
    }

    public int idleLevel()
    {
        return idleLevel;
    }

    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        samplerThread.interrupt();
        workers.shutdownNow();
        listener.close();
        final List<ProcessRecord> all;
        synchronized (this)
        {
            all = new ArrayList<>(processes.values());
        }
        for (final ProcessRecord p : all)
        {
            p.socket.close();
        }
        synchronized (this)
        {
            for (final HeapRecord h : heaps.values())
            {
                SharedMemory.close(h.fd);
            }
            heaps.clear();
        }
        // Closing the module's daemon file unlists its heaps; processes that map them keep them.
        closeHeapSource();
        if (control != null)
        {
            // Ends this host's session: its leases and channels go with it, and the other hosts are told.
            control.close();
        }
        try
        {
            Files.deleteIfExists(socketPath);
            lock.release();
            lockChannel.close();
        }
        catch (final IOException e)
        {
            // Best effort: the lock goes with the process anyway.
        }
    }

    static final class ProcessRecord
    {
        final long id;
        final int pid;
        final SeqPacketSocket socket;
        String name = "?";
        String domain = "?";
        boolean registered;
        long quotaUsed;
        /** Host of a process on another host (no socket); null for a process of this host. */
        String host;
        volatile boolean leased;
        volatile long lastRenewNs = System.nanoTime();
        volatile boolean expired;
        /** Heaps of closed connections this process still maps; it unmaps them once told the peer is gone. */
        final java.util.Set<HeapRecord> releasing = new java.util.HashSet<>();

        ProcessRecord(final long id, final int pid, final SeqPacketSocket socket)
        {
            this.id = id;
            this.pid = pid;
            this.socket = socket;
        }

        boolean isLocal()
        {
            return host == null;
        }

        String label()
        {
            return host == null ? "pid " + pid : host + "/" + pid;
        }

        void reply(final Message message)
        {
            if (socket == null)
            {
                throw new IllegalStateException("process " + label() + " is on another host");
            }
            message.send(socket);
        }
    }

    static final class ChannelRecord
    {
        final long id;
        final String name;
        final ProcessRecord owner;
        final String domain;
        final String host;
        final int port;
        final List<HeapRecord> sharedHeaps = new ArrayList<>();

        ChannelRecord(final long id, final String name, final ProcessRecord owner, final String domain, final String host, final int port)
        {
            this.id = id;
            this.name = name;
            this.owner = owner;
            this.domain = domain;
            this.host = host;
            this.port = port;
        }
    }

    static final class ConnectionRecord
    {
        final long id;
        final ChannelRecord channel;
        final ProcessRecord client;
        final HeapRecord heap;
        final List<HeapRecord> dataHeaps = new ArrayList<>();
        boolean accepted;
        /** Id of this connection on the daemon of the other host, for a connection across hosts; else 0. */
        long remoteConnId;

        ConnectionRecord(final long id, final ChannelRecord channel, final ProcessRecord client, final HeapRecord heap)
        {
            this.id = id;
            this.channel = channel;
            this.client = client;
            this.heap = heap;
        }
    }

    static final class HeapRecord
    {
        final long id;
        final long address;
        final long length;
        final int fd;
        final int kind;
        /** Id of the heap in the seal backend's heap source, 0 for a memfd. */
        final long sourceId;
        /** Processes mapping the heap, with their number of uses (client end, server end). */
        final Map<ProcessRecord, int[]> mappers = new LinkedHashMap<>();
        int scope = -1;
        long ownerId;
        ProcessRecord creator;
        /** A file of the cluster's pool: its address and memory belong to the orchestrator. */
        boolean pooled;
        /** Process whose lease the control plane took when this host created or opened the heap; 0 if none. */
        int initialLeasePid;

        HeapRecord(final long id, final long address, final long length, final int fd, final int kind, final long sourceId)
        {
            this.id = id;
            this.address = address;
            this.length = length;
            this.fd = fd;
            this.kind = kind;
            this.sourceId = sourceId;
        }
    }
}
