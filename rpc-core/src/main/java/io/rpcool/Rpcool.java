package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.concurrent.TimeUnit;

import io.rpcool.daemon.ChannelNames;
import io.rpcool.daemon.Daemon;
import io.rpcool.daemon.DaemonClient;
import io.rpcool.daemon.DaemonException;
import io.rpcool.daemon.RuntimeDirectory;
import io.rpcool.idle.IdleLevels;
import io.rpcool.idle.WaitControl;
import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.NativeException;

/**
 * A process's RPCool instance: its link to the per-host daemon (embedded in this process when
 * none runs), the channels it serves and the connections it opened. A facade over the parts that
 * do the work: the {@link ClientConductor} (the instance's thread: daemon pushes, lease, peer
 * watches), the {@link Connector} (connections and their transport), the {@link DataHeapRegistry}
 * (data heaps by owner) and the {@link WaitControl} (how threads wait).
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
    private final RpcoolContext context;
    private final Daemon embeddedDaemon;
    private final DaemonClient daemon;
    private final RpcoolCounters counters;
    private final WaitControl waitControl;
    private final DataHeapRegistry heaps;
    private final TcpTransport tcp;
    private final ClientConductor conductor;
    private final Connector connector;
    private volatile int daemonPid;
    private final String sealBackend;
    private final String clusterHost;
    private volatile boolean closed;

    private Rpcool(final RpcoolContext context, final Daemon embeddedDaemon, final DaemonClient daemon)
    {
        this.context = context;
        this.embeddedDaemon = embeddedDaemon;
        this.daemon = daemon;
        this.counters = new RpcoolCounters(context.directory(), Native.pid(), context.processName());
        this.waitControl = new WaitControl(forcedLevel(context.idleMode()), context.spinNs(), context.sleepNs(),
            TimeUnit.MILLISECONDS.toNanos(context.deepIdleAfterMs()), TimeUnit.MICROSECONDS.toNanos(context.deepIdleParkUs()),
            context.futex(), t -> counters.onError("completion poller", t));
        this.heaps = new DataHeapRegistry(daemon, context.heapSize());
        this.tcp = new TcpTransport(this);
        this.conductor = new ClientConductor(this, daemon, counters, heaps);
        this.connector = new Connector(this, daemon, tcp, heaps, conductor);
        conductor.start();
        try
        {
            final DaemonClient.Reply hello = daemon.request(HELLO, m -> m.putString(context.processName()).putString(context.domain()));
            this.daemonPid = hello.getInt();
            waitControl.daemonLevel(hello.getInt());
            hello.getLong();
            this.sealBackend = hello.getString();
            final long leaseTimeoutMs = hello.getLong();
            this.clusterHost = hello.getString();
            final long renewMs = context.leaseRenewMs() > 0 ? context.leaseRenewMs() : leaseTimeoutMs / 3;
            if (leaseTimeoutMs > 0 && context.leaseRenewal() && renewMs > 0)
            {
                // The process's lease: the daemon treats a process that stops renewing as dead.
                renewLease();
                conductor.leaseRenewal(renewMs);
            }
        }
        catch (final RuntimeException e)
        {
            conductor.close();
            counters.close();
            throw e;
        }
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
        RuntimeDirectory.checkForClient(context.directory());
        Daemon embedded = null;
        if (context.daemonMode() == RpcoolContext.DaemonMode.EMBEDDED)
        {
            embedded = Daemon.start(context.daemonConfig());
        }
        DaemonClient client = null;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client == null)
        {
            try
            {
                client = DaemonClient.connect(socketPath);
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
                    sleepBriefly();
                }
            }
        }
        try
        {
            return new Rpcool(context, embedded, client);
        }
        catch (final RuntimeException e)
        {
            client.close();
            if (embedded != null)
            {
                embedded.close();
            }
            throw e;
        }
    }

    private static void sleepBriefly()
    {
        try
        {
            Thread.sleep(20);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new DaemonException(E_PEER_UNAVAILABLE, "interrupted while waiting for the daemon");
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

    /** A restarted daemon took this process back: its pid from now on. */
    void daemonRestarted(final int pid)
    {
        daemonPid = pid;
    }

    /**
     * Times this process re-attached to a restarted daemon (it keeps serving its channels under
     * their names and its connections keep working; see the README's "Daemon restarts").
     */
    public long daemonReattachments()
    {
        return counters.daemonReattachments.get();
    }

    /** Name of the seal backend the daemon chose for this host ({@code kernel} or {@code mprotect}). */
    public String sealBackend()
    {
        return sealBackend;
    }

    /** Name of this host in the cluster, or empty when the daemon has no control plane (a single host). */
    public String clusterHost()
    {
        return clusterHost;
    }

    /** The current waiting mode, one of {@link IdleLevels}. */
    public int idleLevel()
    {
        return waitControl.idleLevel();
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
                .putString(context.domain()).putString(context.tcpHost()).putInt(server.port()).putLong(options.connectionQuotaBytes()));
            final Channel channel = new Channel(this, name, reply.getLong(), options, server);
            conductor.add(channel);
            if (options.sharedHeap())
            {
                final long size = options.heapSize() > 0 ? options.heapSize() : context.heapSize();
                final HeapOwner owner = HeapOwner.channel(channel.id());
                channel.heap = heaps.heapOf(owner);
                channel.heap.add(heaps.addHeap(owner, size));
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
        try
        {
            return connector.connect(name, options);
        }
        catch (final DaemonException e)
        {
            if (e.code() == E_QUOTA_EXCEEDED)
            {
                counters.quotaRefusals.increment();
            }
            throw e;
        }
    }

    /**
     * @return the daemon's report of channels, connections, heaps, quotas and every process's counters.
     */
    public String stat()
    {
        return daemon.request(STAT, m -> { }).getString();
    }

    /** This instance's counters by label (also in its counters file and through JMX). */
    public java.util.Map<String, Long> counters()
    {
        return counters.snapshot();
    }

    /** Distinct errors this instance recorded: count, first and last time, the error. */
    public java.util.List<String> errors()
    {
        return counters.errorLog();
    }

    /**
     * Renew this process's lease with its daemon now (the library does it on its own every third of the
     * daemon's lease timeout; {@code rpcool.lease.renewMs} overrides the period).
     */
    public void renewLease()
    {
        daemon.request(LEASE_RENEW, m -> { });
        counters.leaseRenewals.increment();
    }

    /** Leases renewed by this process so far. */
    public long leaseRenewals()
    {
        return counters.leaseRenewals.get();
    }

    /**
     * A new adaptive wait for a thread of the application that polls shared memory itself (Netty
     * event loops over byte rings, say): it spins or sleeps between polls as this process's idle level
     * says, and never hands its polling to another thread. One per waiting thread.
     */
    public io.rpcool.idle.AdaptiveIdleStrategy newIdleStrategy()
    {
        return new io.rpcool.idle.AdaptiveIdleStrategy(waitControl, null);
    }

    // ------------------------------------------------------------------ for the rest of the package

    WaitControl waitControl()
    {
        return waitControl;
    }

    io.rpcool.idle.CompletionPoller poller()
    {
        return waitControl.poller();
    }

    /** @return true once the poller (if any) cannot still be reading memory released before the call. */
    boolean quiescePoller()
    {
        return waitControl.quiescePoller();
    }

    /** A free range of the address window for memory this process maps itself (a DSM heap), held until released. */
    long reserveRange(final long length)
    {
        return daemon.request(RESERVE_RANGE, m -> m.putLong(length)).getLong();
    }

    void releaseRange(final long address)
    {
        try
        {
            daemon.request(RELEASE_RANGE, m -> m.putLong(address));
        }
        catch (final RuntimeException e)
        {
            // The daemon frees the range when this process is gone.
        }
    }

    RpcoolCounters counterSet()
    {
        return counters;
    }

    void reportError(final String what, final Throwable t)
    {
        counters.onError(what, t);
    }

    /** Run a listener off the caller's thread. */
    void notifyAsync(final Runnable task)
    {
        conductor.notifyAsync(task);
    }

    /** Release every data heap of a connection that closed. */
    void releaseHeaps(final HeapOwner owner)
    {
        heaps.release(owner);
    }

    /** Drop one use of a channel's shared heap a connection mapped. */
    void releaseChannelHeapUse(final long address)
    {
        heaps.releaseUse(address);
    }

    /** Stop serving a connection end; with {@code now}, its heap is unmapped before this returns. */
    void closeServerEnd(final ShmServerEnd end, final boolean notifyPeer)
    {
        conductor.closeServerEndNow(end, notifyPeer);
    }

    void closeChannel(final Channel channel)
    {
        conductor.remove(channel);
        heaps.release(HeapOwner.channel(channel.id()));
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
        conductor.remove(conn);
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
        for (final Channel channel : conductor.channels())
        {
            channel.close();
        }
        for (final ShmConnection conn : conductor.connections())
        {
            conn.close();
        }
        tcp.close();
        closed = true;
        conductor.close();
        waitControl.close();
        daemon.close();
        counters.close();
        conductor.closeAdoptedDaemon();
        if (embeddedDaemon != null)
        {
            embeddedDaemon.close();
        }
    }
}
