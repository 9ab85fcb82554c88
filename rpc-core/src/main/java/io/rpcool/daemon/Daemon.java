package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlanes;
import io.rpcool.nativeio.EventFd;
import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.SeqPacketSocket;
import io.rpcool.seal.SealBackends;

/**
 * The trusted per-host daemon. It creates heap memory and hands it to processes as file
 * descriptors, assigns every heap its address, tracks which process maps which heap, notices
 * processes that die (their control socket closes, or their lease expires), frees heaps that no
 * live process maps, enforces the per-process shared-memory quota, admits only the users its
 * configuration allows, and publishes the host's idle level. It also picks the host's seal backend
 * ({@link SealBackends#select}): when that backend owns heap memory (the kernel module), connection
 * heaps are created through it and processes receive one-time grants instead of memfds. With a
 * control plane ({@link ControlPlane}, {@code rpcool.orchestrator}) it is one host of a cluster that
 * shares a memory pool.
 *
 * <p>This class starts and stops the daemon; the work is done in roles, as Aeron's media driver
 * does it: the {@link DaemonConductor} (one thread, every registry and decision), fed by the
 * {@link ClientCommandAdapter} and answering through the {@link ClientProxy}, the
 * {@link LoadSampler} on an agent of its own, and the {@link ClusterLink} to the control plane.
 *
 * <p>Run it standalone ({@code ./rpcool daemon}, {@link DaemonMain}) or embedded: {@code Rpcool.launch()}
 * starts one inside the first process that finds none, as an embedded media driver does.
 */
public final class Daemon implements AutoCloseable
{
    private static final int MAX_IDLE_MS = 10;

    private final DaemonConfig config;
    private final Path socketPath;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SeqPacketSocket listener;
    private final EventFd wake;
    private final HeapMapper heapMapper;
    private final ClusterLink cluster;
    private final DaemonCounters counters;
    private final DaemonConductor conductor;
    private final ClientCommandAdapter adapter;
    private final AgentRunner conductorRunner;
    private final AgentRunner samplerRunner;
    private volatile boolean running = true;

    private Daemon(final DaemonConfig config, final FileChannel lockChannel, final FileLock lock)
    {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.socketPath = config.directory().resolve(SOCKET_NAME);
        final SealBackends.Selection seal = SealBackends.select(config.sealBackend());
        this.heapMapper = new HeapMapper(new AddressSpace(config.windowBase(), config.windowEnd()), seal);
        final EventFd wakeFd;
        final ControlPlane control;
        try
        {
            wakeFd = new EventFd();
            control = ControlPlanes.load(config.orchestrator(), new ClusterSettings(
                config.hostId(), config.poolDirectory(), config.leaseTimeoutMs(), config.windowBase(), config.windowEnd())
                .withPoolDevice(config.poolDevice()));
        }
        catch (final RuntimeException e)
        {
            heapMapper.close();
            throw e;
        }
        this.wake = wakeFd;
        final SeqPacketSocket socket;
        try
        {
            Files.deleteIfExists(socketPath);
            socket = SeqPacketSocket.listen(socketPath.toString());
            // Only this user may connect, unless others are allowed (the conductor checks every
            // process's uid either way).
            Files.setPosixFilePermissions(socketPath, java.nio.file.attribute.PosixFilePermissions.fromString(
                config.allowsOthers() ? "rw-rw-rw-" : "rw-------"));
        }
        catch (final IOException | RuntimeException e)
        {
            heapMapper.close();
            wake.close();
            if (control != null)
            {
                control.close();
            }
            throw e instanceof RuntimeException ? (RuntimeException)e :
                new IllegalStateException("cannot remove stale daemon socket " + socketPath, e);
        }
        this.listener = socket;
        this.counters = new DaemonCounters(config.directory());
        final DaemonConductor[] self = new DaemonConductor[1];
        this.cluster = control == null ? null : new ClusterLink(control, command -> self[0].submit(command));
        this.conductor = new DaemonConductor(config, heapMapper, cluster, counters, wake, ClientProxy.SOCKETS);
        self[0] = conductor;
        this.adapter = new ClientCommandAdapter(conductor, listener, wake);
        conductor.adapter(adapter);
        this.conductorRunner = new AgentRunner(new ConductorIdle(), t -> counters.onError("conductor", t), null, conductor);
        this.samplerRunner = new AgentRunner(new SamplerIdle(), t -> counters.onError("load sampler", t), null,
            new LoadSampler(conductor));
    }

    /** The conductor sleeps in {@code poll(2)} on every socket (and the wake-up descriptor), at most 10 ms. */
    private final class ConductorIdle implements IdleStrategy
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
            adapter.await(MAX_IDLE_MS);
        }

        @Override
        public void reset()
        {
        }
    }

    /** The load sampler parks for its sample period, and not at all once the daemon closes. */
    private final class SamplerIdle implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            idle();
        }

        @Override
        public void idle()
        {
            if (running)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.loadSampleMs())));
            }
        }

        @Override
        public void reset()
        {
        }
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
            RuntimeDirectory.prepareForDaemon(config.directory(), config.allowsOthers());
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
            if (daemon.cluster != null)
            {
                try
                {
                    daemon.cluster.start(daemon.conductor.remote::onMessage, daemon.conductor.remote::onHostFailed, daemon.conductor.fence);
                }
                catch (final RuntimeException e)
                {
                    daemon.close();
                    throw e;
                }
            }
            daemon.startAgents();
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

    private void startAgents()
    {
        AgentRunner.startOnThread(conductorRunner, r -> daemonThread(r, "rpcool-daemon-conductor"));
        AgentRunner.startOnThread(samplerRunner, r -> daemonThread(r, "rpcool-daemon-load"));
    }

    private static Thread daemonThread(final Runnable r, final String name)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
        return cluster == null ? null : cluster.control();
    }

    /** Name of the seal backend this daemon uses for the host. */
    public String sealBackend()
    {
        return heapMapper.sealBackendName();
    }

    /** True if connection heaps are created through the seal backend (the kernel module) rather than as memfds. */
    public boolean heapsOwnedBySealBackend()
    {
        return heapMapper.ownsConnectionHeaps();
    }

    /**
     * @return a human-readable report of processes, channels, connections, heaps, quotas and counters.
     */
    public String statReport()
    {
        final String local = query(StatReport::of);
        if (cluster == null)
        {
            return local;
        }
        try
        {
            return local + cluster.control().describe();
        }
        catch (final RuntimeException e)
        {
            return local + "cluster state unavailable: " + e.getMessage() + "\n";
        }
    }

    public int heapCount()
    {
        return query(c -> c.heaps.size());
    }

    public int processCount()
    {
        return query(c -> c.processes.size());
    }

    public int idleLevel()
    {
        return query(c -> c.idleLevel);
    }

    /** Ask the conductor, on its thread, and wait (up to 10 s) for the answer. */
    private <T> T query(final Function<DaemonConductor, T> question)
    {
        if (!running)
        {
            throw new IllegalStateException("the daemon is closed");
        }
        final CompletableFuture<T> answer = new CompletableFuture<>();
        conductor.submit(() ->
        {
            try
            {
                answer.complete(question.apply(conductor));
            }
            catch (final RuntimeException e)
            {
                answer.completeExceptionally(e);
            }
        });
        try
        {
            return answer.get(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the daemon's conductor", e);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("the daemon's conductor did not answer: " + e, e);
        }
    }

    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        final Thread sampler = samplerRunner.thread();
        if (sampler != null)
        {
            java.util.concurrent.locks.LockSupport.unpark(sampler);
        }
        samplerRunner.close();
        wake.signal();
        conductorRunner.close();
        conductor.close();
        listener.close();
        heapMapper.close();
        if (cluster != null)
        {
            // Ends this host's session: its leases and channels go with it, and the other hosts are told.
            cluster.close();
        }
        counters.close();
        wake.close();
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
}
