package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.daemon.ChannelNames;
import io.rpcool.daemon.Daemon;
import io.rpcool.daemon.DaemonClient;
import io.rpcool.daemon.DaemonException;
import io.rpcool.idle.IdleLevels;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.ConnectionHeaderDescriptor;
import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.NativeException;
import io.rpcool.nativeio.Processes;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.MprotectSealBackend;
import io.rpcool.seal.SealPolicy;

/**
 * A process's RPCool instance: its link to the per-host daemon (embedded in this process when
 * none runs), the channels it serves and the connections it opened.
 *
 * <pre>{@code
 * // server
 * try (Rpcool rpc = Rpcool.launch()) {
 *     Channel ch = rpc.openChannel("/demo/echo");
 *     ch.register(1, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, "Hello!")));
 *     ...
 * }
 * // client
 * try (Rpcool rpc = Rpcool.launch(); Connection conn = rpc.connect("/demo/echo"); ClientCall call = conn.newCall(1)) {
 *     call.invoke(0);
 *     System.out.println(call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
 * }
 * }</pre>
 */
public final class Rpcool implements AutoCloseable
{
    static int layoutVersionForTesting = ConnectionHeaderDescriptor.LAYOUT_VERSION;

    private final RpcoolContext context;
    private final Daemon embeddedDaemon;
    private final DaemonClient daemon;
    private final int daemonPid;
    private final String sealBackend;
    private final Map<Long, Channel> channels = new ConcurrentHashMap<>();
    private final Map<Long, ShmConnection> shmConnections = new ConcurrentHashMap<>();
    private final Map<Long, ShmServerEnd> serverEnds = new ConcurrentHashMap<>();
    /** Data heaps of this process by owner ("scope:owner id"), so a heap another party adds reaches them. */
    private final Map<String, SharedHeap> sharedHeaps = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;
    private final ExecutorService controlTasks;
    private final TcpTransport tcp;
    private final io.rpcool.idle.WaitControl waitControl;
    private volatile boolean closed;
    private final String clusterHost;
    private final ScheduledExecutorService leaseRenewer = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "rpcool-lease"));
    private java.util.concurrent.ScheduledFuture<?> leaseRenewal;
    private final java.util.concurrent.atomic.AtomicLong leaseRenewals = new java.util.concurrent.atomic.AtomicLong();

    private Rpcool(final RpcoolContext context, final Daemon embeddedDaemon, final DaemonClientHolder holder)
    {
        this.context = context;
        this.embeddedDaemon = embeddedDaemon;
        this.waitControl = new io.rpcool.idle.WaitControl(forcedLevel(context.idleMode()), context.spinNs(), context.sleepNs(),
            context.deepIdleAfterMs() * 1_000_000L, context.deepIdleParkUs() * 1000L, t -> reportError("completion poller", t));
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "rpcool-watchdog"));
        this.controlTasks = Executors.newSingleThreadExecutor(r -> daemonThread(r, "rpcool-control-tasks"));
        this.tcp = new TcpTransport(this);
        holder.target = this;
        this.daemon = holder.client;
        final DaemonClient.Reply hello = daemon.request(HELLO, m -> m.putString(context.processName()).putString(context.domain()));
        this.daemonPid = hello.getInt();
        this.waitControl.daemonLevel(hello.getInt());
        hello.getLong();
        this.sealBackend = hello.getString();
        final long leaseTimeoutMs = hello.getLong();
        this.clusterHost = hello.getString();
        housekeeping.scheduleWithFixedDelay(this::checkPeers,
            context.peerCheckIntervalMs(), context.peerCheckIntervalMs(), TimeUnit.MILLISECONDS);
        final long renewMs = context.leaseRenewMs() > 0 ? context.leaseRenewMs() : leaseTimeoutMs / 3;
        if (leaseTimeoutMs > 0 && context.leaseRenewal() && renewMs > 0)
        {
            // The process's lease: the daemon treats a process that stops renewing as dead.
            renewLease();
            leaseRenewal = controlTasksScheduler().scheduleAtFixedRate(this::renewLeaseQuietly, renewMs, renewMs, TimeUnit.MILLISECONDS);
        }
    }

    private static Thread daemonThread(final Runnable r, final String name)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static int forcedLevel(final RpcoolContext.IdleMode mode)
    {
        switch (mode)
        {
            case SPIN: return IdleLevels.SPIN;
            case SLEEP: return IdleLevels.SLEEP;
            case HAND_OFF: return IdleLevels.HAND_OFF;
            default: return -1;
        }
    }

    /** Routes control pushes to the instance once it exists. */
    private static final class DaemonClientHolder
    {
        volatile Rpcool target;
        DaemonClient client;
    }

    public static Rpcool launch()
    {
        return launch(new RpcoolContext());
    }

    /**
     * Connect to the daemon of the context's directory, starting one inside this process if the
     * context allows it and none runs.
     */
    public static Rpcool launch(final RpcoolContext context)
    {
        Native.ensureAvailability();
        final String socketPath = context.directory().resolve(SOCKET_NAME).toString();
        Daemon embedded = null;
        if (context.daemonMode() == RpcoolContext.DaemonMode.EMBEDDED)
        {
            embedded = Daemon.start(context.daemonConfig());
        }
        final DaemonClientHolder holder = new DaemonClientHolder();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (holder.client == null)
        {
            try
            {
                holder.client = DaemonClient.connect(socketPath,
                    push -> { final Rpcool r = holder.target; if (r != null) r.onPush(push); else closeFd(push.fd); },
                    () -> { final Rpcool r = holder.target; if (r != null) r.onDaemonLost(); });
            }
            catch (final NativeException e)
            {
                if (context.daemonMode() == RpcoolContext.DaemonMode.EXTERNAL)
                {
                    throw new DaemonException(E_PEER_UNAVAILABLE, "no daemon is running in " + context.directory() +
                        " (" + e.getMessage() + "); start one with './rpcool daemon' or use daemon mode auto");
                }
                if (embedded == null)
                {
                    embedded = Daemon.tryStart(context.daemonConfig());
                }
                if (embedded == null)
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new DaemonException(E_PEER_UNAVAILABLE,
                            "a daemon holds " + context.directory() + " but does not accept connections: " + e.getMessage());
                    }
                    try
                    {
                        Thread.sleep(20);
                    }
                    catch (final InterruptedException ie)
                    {
                        Thread.currentThread().interrupt();
                        throw new DaemonException(E_PEER_UNAVAILABLE, "interrupted while waiting for the daemon");
                    }
                }
            }
        }
        try
        {
            return new Rpcool(context, embedded, holder);
        }
        catch (final RuntimeException e)
        {
            holder.client.close();
            if (embedded != null)
            {
                embedded.close();
            }
            throw e;
        }
    }

    private static void closeFd(final int fd)
    {
        if (fd >= 0)
        {
            SharedMemory.close(fd);
        }
    }

    public RpcoolContext context()
    {
        return context;
    }

    /** The daemon running inside this process, or null if it uses another process's daemon. */
    public Daemon embeddedDaemon()
    {
        return embeddedDaemon;
    }

    public int daemonPid()
    {
        return daemonPid;
    }

    /** Name of the seal backend the daemon chose for this host ({@code kernel} or {@code mprotect}). */
    public String sealBackend()
    {
        return sealBackend;
    }

    /** The current waiting mode, one of {@link IdleLevels}. */
    public int idleLevel()
    {
        return waitControl.idleLevel();
    }

    /** How this process's threads wait. */
    io.rpcool.idle.WaitControl waitControl()
    {
        return waitControl;
    }

    io.rpcool.idle.CompletionPoller poller()
    {
        return waitControl.poller();
    }

    /**
     * @return true once the poller (if any) cannot still be reading memory released before the call.
     */
    boolean quiescePoller()
    {
        return waitControl.quiescePoller();
    }

    /**
     * Open a channel under a unique hierarchical name, served by one handler thread.
     */
    public Channel openChannel(final String name)
    {
        return openChannel(name, ChannelOptions.defaults());
    }

    public Channel openChannel(final String name, final ChannelOptions options)
    {
        checkNotClosed();
        final String problem = ChannelNames.validate(name);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem);
        }
        final TcpServer server = tcp.listen(context.tcpHost(), options.tcpPort(), options.handlerThreads());
        try
        {
            final DaemonClient.Reply reply = daemon.request(OPEN_CHANNEL, m -> m.putString(name)
                .putString(context.domain()).putString(context.tcpHost()).putInt(server.port()));
            final Channel channel = new Channel(this, name, reply.getLong(), options, server);
            channels.put(channel.id(), channel);
            if (options.sharedHeap())
            {
                final long size = options.heapSize() > 0 ? options.heapSize() : context.heapSize();
                channel.heap = sharedHeap(SCOPE_CHANNEL, channel.id());
                channel.heap.add(addHeap(SCOPE_CHANNEL, channel.id(), size));
            }
            channel.start();
            return channel;
        }
        catch (final RuntimeException e)
        {
            server.close();
            throw e;
        }
    }

    /**
     * Connect to a channel by name. Over shared memory when the server is in this process's memory
     * domain, over TCP otherwise.
     *
     * @throws DaemonException with code {@code E_NO_SUCH_CHANNEL} if no such channel is open.
     */
    public Connection connect(final String name)
    {
        return connect(name, ConnectOptions.defaults());
    }

    public Connection connect(final String name, final ConnectOptions options)
    {
        checkNotClosed();
        final int slots = options.slots() > 0 ? options.slots() : context.slots();
        final int requestedSize = options.bufferSize() > 0 ? options.bufferSize() : context.bufferSize();
        final int bufferSize = options.sealing() ? ConnectionDescriptor.sealableBufferSize(requestedSize) : requestedSize;
        ConnectionDescriptor.checkCapacity(slots, bufferSize);
        if (options.host() != null)
        {
            return tcp.connect(options.host(), options.port(), name, slots, bufferSize);
        }
        final DaemonClient.Reply reply = daemon.request(CONNECT,
            m -> m.putString(name).putInt(slots).putInt(bufferSize).putString(context.domain()));
        if (reply.type == CONNECT_TCP)
        {
            final String host = reply.getString();
            final int port = reply.getInt();
            return tcp.connect(host, port, name, slots, bufferSize);
        }
        final long connectionId = reply.getLong();
        final long heapId = reply.getLong();
        final long address = reply.getLong();
        final long length = reply.getLong();
        final int heapKind = reply.getInt();
        final long token = reply.getLong();
        final int fd = reply.fd;
        boolean mapped = false;
        HeapSeals seals = null;
        try
        {
            if (heapKind == HEAP_KIND_MEMFD)
            {
                if (fd < 0)
                {
                    throw new IllegalStateException("the daemon sent no memory with the connection heap");
                }
                MappedHeaps.map(heapId, fd, address, length);
            }
            else
            {
                seals = MappedHeaps.attach(heapId, heapKind, token, address, length, false);
            }
            mapped = true;
            final UnsafeBuffer heap = new UnsafeBuffer(address, (int)length);
            ConnectionDescriptor.initialise(heap, heapId, address, connectionId, slots, bufferSize, layoutVersionForTesting);
            heap.putLong(ConnectionDescriptor.CLIENT_PID_OFFSET, Native.pid());
            heap.putIntVolatile(ConnectionDescriptor.CLIENT_STATE_OFFSET, ConnectionDescriptor.STATE_OPEN);
            if (seals == null)
            {
                seals = MprotectSealBackend.forHeap(address, heap,
                    (int)ConnectionDescriptor.sealDescriptorsOffset(slots, ConnectionDescriptor.queueCapacity(slots)),
                    slots, heapId, Native.pid());
            }
            final int threshold = options.sealReleaseThreshold() > 0 ? options.sealReleaseThreshold() : context.sealReleaseThreshold();
            final int copyBelow = options.copyBelow() >= 0 ? options.copyBelow() : SealPolicy.copyBelow();
            final ShmConnection conn = new ShmConnection(this, name, connectionId, heapId, address, length, slots, bufferSize,
                seals, threshold, copyBelow);
            shmConnections.put(connectionId, conn);
            final DaemonClient.Reply ready;
            try
            {
                ready = daemon.request(CONNECT_READY, m -> m.putLong(connectionId));
            }
            catch (final RuntimeException e)
            {
                shmConnections.remove(connectionId);
                throw e;
            }
            conn.serverPid = ready.getInt();
            conn.serverPidfd = Processes.openPidfd(conn.serverPid);
            final long channelId = ready.getLong();
            final int channelHeaps = ready.getInt();
            if (channelHeaps > 0)
            {
                final SharedHeap shared = sharedHeap(SCOPE_CHANNEL, channelId);
                conn.dataHeap = shared;
                for (int i = 0; i < channelHeaps; i++)
                {
                    final long id = ready.getLong();
                    conn.mappedChannelHeaps.add(mapExistingHeap(id, shared));
                }
            }
            else
            {
                conn.dataHeap = sharedHeap(SCOPE_CONNECTION, connectionId);
            }
            return conn;
        }
        catch (final RuntimeException e)
        {
            if (seals != null)
            {
                seals.close();
            }
            if (mapped)
            {
                MappedHeaps.unmap(address);
            }
            try
            {
                daemon.request(CONNECT_ABORT, m -> m.putLong(connectionId).putString(String.valueOf(e.getMessage())));
                daemon.request(DETACH, m -> m.putLong(heapId));
            }
            catch (final RuntimeException ignore)
            {
                // The daemon drops the heap when this process exits.
            }
            throw e;
        }
        finally
        {
            closeFd(fd);
        }
    }

    /**
     * The data heap of an owner (a connection or a channel) in this process, created on first use.
     */
    SharedHeap sharedHeap(final int scope, final long ownerId)
    {
        return sharedHeaps.computeIfAbsent(scope + ":" + ownerId,
            k -> new SharedHeap(context.heapSize(), size -> addHeap(scope, ownerId, size)));
    }

    /**
     * Ask the daemon for a new data heap, map and format it, and return once every other party
     * has mapped it too.
     */
    private io.rpcool.mem.HeapAllocator addHeap(final int scope, final long ownerId, final long size)
    {
        final DaemonClient.Reply reply = daemon.request(ADD_HEAP, m -> m.putInt(scope).putLong(ownerId).putLong(size));
        final long heapId = reply.getLong();
        final long address = reply.getLong();
        final long length = reply.getLong();
        try
        {
            MappedHeaps.map(heapId, reply.fd, address, length);
        }
        finally
        {
            closeFd(reply.fd);
        }
        final io.rpcool.mem.HeapAllocator heap;
        try
        {
            heap = io.rpcool.mem.HeapAllocator.format(new io.rpcool.mem.MemoryRegion("heap-" + heapId, address, length));
            daemon.request(HEAP_READY, m -> m.putLong(heapId));
        }
        catch (final RuntimeException e)
        {
            releaseHeap(address, heapId);
            throw e;
        }
        dataHeapMapped(scope, ownerId, address, heapId);
        return heap;
    }

    /** Map a data heap that already exists (a channel's shared heap) and add it to {@code into}. */
    private long mapExistingHeap(final long heapId, final SharedHeap into)
    {
        final DaemonClient.Reply reply = daemon.request(MAP_HEAP, m -> m.putLong(heapId));
        reply.getLong();
        final long address = reply.getLong();
        final long length = reply.getLong();
        try
        {
            MappedHeaps.map(heapId, reply.fd, address, length);
        }
        finally
        {
            closeFd(reply.fd);
        }
        synchronized (into)
        {
            if (!contains(into, address))
            {
                into.add(io.rpcool.mem.HeapAllocator.attach(new io.rpcool.mem.MemoryRegion("heap-" + heapId, address, length)));
            }
        }
        return address;
    }

    private static boolean contains(final SharedHeap heap, final long address)
    {
        for (final io.rpcool.mem.HeapAllocator h : heap.heaps())
        {
            if (h.region().base() == address)
            {
                return true;
            }
        }
        return false;
    }

    /** Data heaps this process maps, by address, with their ids, so closing detaches them. */
    private final Map<Long, Long> dataHeapIds = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<Long>> dataHeapsByOwner = new ConcurrentHashMap<>();

    private void dataHeapMapped(final int scope, final long ownerId, final long address, final long heapId)
    {
        dataHeapIds.put(address, heapId);
        dataHeapsByOwner.computeIfAbsent(scope + ":" + ownerId, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(address);
    }

    /** Unmap one use of a data heap; tell the daemon when this process no longer maps it. */
    void releaseHeap(final long address, final long heapId)
    {
        if (MappedHeaps.unmap(address) && !daemon.isClosed())
        {
            dataHeapIds.remove(address);
            try
            {
                daemon.request(DETACH, m -> m.putLong(heapId));
            }
            catch (final RuntimeException e)
            {
                // The daemon reclaims the heap when this process exits.
            }
        }
    }

    /** Release every data heap of an owner, e.g. when its connection closes. */
    void releaseHeaps(final int scope, final long ownerId)
    {
        sharedHeaps.remove(scope + ":" + ownerId);
        final java.util.List<Long> addresses = dataHeapsByOwner.remove(scope + ":" + ownerId);
        if (addresses != null)
        {
            for (final long address : addresses)
            {
                final Long id = dataHeapIds.get(address);
                releaseHeap(address, id == null ? -1 : id);
            }
        }
    }

    void releaseChannelHeapUse(final long address)
    {
        final Long id = dataHeapIds.get(address);
        releaseHeap(address, id == null ? -1 : id);
    }

    private void onNewHeap(final DaemonClient.Reply push)
    {
        final int scope = push.getInt();
        final long ownerId = push.getLong();
        final long heapId = push.getLong();
        final long address = push.getLong();
        final long length = push.getLong();
        String rejection = null;
        try
        {
            MappedHeaps.map(heapId, push.fd, address, length);
            dataHeapMapped(scope, ownerId, address, heapId);
            final SharedHeap heap = sharedHeaps.get(scope + ":" + ownerId);
            if (heap != null)
            {
                synchronized (heap)
                {
                    if (!contains(heap, address))
                    {
                        heap.add(io.rpcool.mem.HeapAllocator.attach(new io.rpcool.mem.MemoryRegion("heap-" + heapId, address, length)));
                    }
                }
            }
        }
        catch (final RuntimeException e)
        {
            rejection = String.valueOf(e.getMessage());
        }
        finally
        {
            closeFd(push.fd);
        }
        answerPush(push.id, heapId, rejection, "a new heap");
    }

    /**
     * @return the daemon's report of channels, connections, heaps and quotas.
     */
    public String stat()
    {
        return daemon.request(STAT, m -> { }).getString();
    }

    private void onPush(final DaemonClient.Reply push)
    {
        switch (push.type)
        {
            case NEW_CONNECTION:
                onNewConnection(push);
                break;
            case PEER_GONE:
            {
                final long connectionId = push.getLong();
                final int pid = push.getInt();
                final String reason = push.getString();
                final ShmConnection conn = shmConnections.get(connectionId);
                if (conn != null)
                {
                    conn.peerGone(reason + " (pid " + pid + ")");
                }
                final ShmServerEnd end = serverEnds.get(connectionId);
                if (end != null)
                {
                    end.channel.clientFailed(connectionId, reason + " (pid " + pid + ")");
                    controlTasks.execute(() -> closeServerEnd(end, false));
                }
                break;
            }
            case IDLE_LEVEL:
                waitControl.daemonLevel(push.getInt());
                break;
            case NEW_HEAP:
                onNewHeap(push);
                break;
            default:
                closeFd(push.fd);
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
                    MappedHeaps.map(heapId, push.fd, address, length);
                }
                else
                {
                    seals = MappedHeaps.attach(heapId, heapKind, token, address, length, true);
                }
                mapped = true;
                final ShmServerEnd end = new ShmServerEnd(channel, connectionId, heapId, address, length, clientPid, seals);
                end.heap.putLong(ConnectionDescriptor.SERVER_PID_OFFSET, Native.pid());
                end.heap.putIntVolatile(ConnectionDescriptor.SERVER_STATE_OFFSET, ConnectionDescriptor.STATE_OPEN);
                end.dataHeap = channel.options().sharedHeap() ? channel.heap : sharedHeap(SCOPE_CONNECTION, connectionId);
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
            closeFd(push.fd);
        }
        answerPush(push.id, connectionId, rejection, "a new connection");
    }

    /**
     * Accept a pushed connection or heap ({@code rejection == null}) or refuse it with the reason.
     */
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
            reportError("answering " + what, e);
        }
    }

    private void onDaemonLost()
    {
        if (!closed)
        {
            System.err.println("rpcool: the daemon (pid " + daemonPid + ") went away; open connections keep working, " +
                "new channels and connections need a running daemon");
        }
    }

    private ScheduledExecutorService controlTasksScheduler()
    {
        return leaseRenewer;
    }

    /**
     * Renew this process's lease with its daemon now (the library does it on its own every third of the
     * daemon's lease timeout; {@code rpcool.lease.renewMs} overrides the period).
     */
    public void renewLease()
    {
        daemon.request(LEASE_RENEW, m -> { });
        leaseRenewals.incrementAndGet();
    }

    private void renewLeaseQuietly()
    {
        if (closed || daemon.isClosed())
        {
            return;
        }
        try
        {
            renewLease();
        }
        catch (final RuntimeException e)
        {
            if (!closed)
            {
                System.err.println("rpcool: cannot renew this process's lease: " + e.getMessage());
            }
        }
    }

    /** Leases renewed by this process so far. */
    public long leaseRenewals()
    {
        return leaseRenewals.get();
    }

    /** Name of this host in the cluster, or empty when the daemon has no control plane (a single host). */
    public String clusterHost()
    {
        return clusterHost;
    }

    /** Run a listener off the caller's thread. */
    void notifyAsync(final Runnable task)
    {
        try
        {
            controlTasks.execute(() ->
            {
                try
                {
                    task.run();
                }
                catch (final RuntimeException e)
                {
                    reportError("a peer failure listener", e);
                }
            });
        }
        catch (final java.util.concurrent.RejectedExecutionException e)
        {
            // Closing: nobody to tell.
        }
    }

    /** Periodic liveness check of every peer, so a dead peer is noticed even without the daemon. */
    private void checkPeers()
    {
        try
        {
            for (final ShmConnection conn : shmConnections.values())
            {
                conn.checkPeer();
            }
            for (final ShmServerEnd end : serverEnds.values())
            {
                if (!end.clientAlive())
                {
                    closeServerEnd(end, false);
                }
            }
        }
        catch (final RuntimeException e)
        {
            reportError("peer check", e);
        }
    }

    /**
     * Stop serving a connection, unmap its heap and tell the daemon.
     */
    void closeServerEnd(final ShmServerEnd end, final boolean notifyPeer)
    {
        if (serverEnds.remove(end.connectionId) == null)
        {
            return;
        }
        if (!end.channel.removeEnd(end))
        {
            reportError("closing connection " + end.connectionId, new IllegalStateException(
                "a handler thread did not finish its round within 10 s; the heap stays mapped"));
            return;
        }
        end.closeSeals();
        end.heap.wrap(0, 0);
        MappedHeaps.unmap(end.address);
        releaseHeaps(SCOPE_CONNECTION, end.connectionId);
        SharedMemory.close(end.clientPidfd);
        if (!daemon.isClosed())
        {
            try
            {
                if (notifyPeer)
                {
                    daemon.request(CLOSE_CONNECTION, m -> m.putLong(end.connectionId));
                }
                daemon.request(DETACH, m -> m.putLong(end.heapId));
            }
            catch (final RuntimeException e)
            {
                // The daemon reclaims the heap when this process exits.
            }
        }
    }

    void closeChannel(final Channel channel)
    {
        channels.remove(channel.id());
        releaseHeaps(SCOPE_CHANNEL, channel.id());
        if (!daemon.isClosed())
        {
            try
            {
                daemon.request(CLOSE_CHANNEL, m -> m.putLong(channel.id()));
            }
            catch (final RuntimeException e)
            {
                reportError("closing channel " + channel.name(), e);
            }
        }
    }

    void connectionClosed(final ShmConnection conn)
    {
        shmConnections.remove(conn.connectionId);
        if (!daemon.isClosed() && conn.goneReason == null)
        {
            try
            {
                daemon.request(CLOSE_CONNECTION, m -> m.putLong(conn.connectionId));
            }
            catch (final RuntimeException e)
            {
                // Best effort.
            }
        }
    }

    void detached(final ShmConnection conn)
    {
        if (!daemon.isClosed())
        {
            try
            {
                daemon.request(DETACH, m -> m.putLong(conn.heapId));
            }
            catch (final RuntimeException e)
            {
                // The daemon reclaims the heap when this process exits.
            }
        }
    }

    void reportError(final String what, final Throwable t)
    {
        System.err.println("rpcool: " + what + ": " + t);
    }

    private void checkNotClosed()
    {
        if (closed)
        {
            throw new IllegalStateException("this Rpcool instance is closed");
        }
    }

    /**
     * Close every channel and connection of this process, then the daemon link, then the embedded
     * daemon if this process runs one.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        for (final Channel channel : channels.values())
        {
            channel.close();
        }
        for (final ShmConnection conn : shmConnections.values())
        {
            conn.close();
        }
        tcp.close();
        closed = true;
        housekeeping.shutdownNow();
        leaseRenewer.shutdownNow();
        controlTasks.shutdown();
        try
        {
            // Connection ends being closed on behalf of the daemon finish (and unmap) before close returns.
            controlTasks.awaitTermination(15, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        waitControl.close();
        daemon.close();
        if (embeddedDaemon != null)
        {
            embeddedDaemon.close();
        }
    }
}
