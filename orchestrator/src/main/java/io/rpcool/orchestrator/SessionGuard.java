package io.rpcool.orchestrator;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

import io.rpcool.control.ClusterSettings;

/**
 * Watches this host's ZooKeeper session on a thread of its own and fences the host before the
 * session may expire, as {@link ClusterSettings} states: a heartbeat (an {@code exists} of the
 * cluster's host directory, asynchronous, on the session's own handle) every H; the send time of
 * the last one the session answered is the anchor A; at A + S − M without a newer answer, or at once
 * when Curator declares the session lost or a new session shows up, the host is fenced.
 *
 * <pre>
 *            heartbeat answered                 no answer by A+S−M, LOST, or a new session
 *   LIVE ─────────────────────────▶ LIVE   LIVE ─────────────────────────────────────────────▶ FENCED
 *   FENCED ── the same session answers ──▶ resume ──▶ LIVE     (its leases never lapsed)
 *   FENCED ── a new session answers ─────▶ rejoin ──▶ LIVE     (host node and channels back, no lease)
 * </pre>
 * Resume and rejoin run on this thread and may block; until one succeeds the host stays fenced.
 */
final class SessionGuard implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(SessionGuard.class.getName());

    /** What the guarded control plane does on each transition. */
    interface Host
    {
        /** Fence the host; once per fence, on the guard's thread. */
        void fence(String reason, long sessionMayExpireAtNs);

        /**
         * The session that holds the host's nodes answered again: lift the fence. May block; throws
         * to stay fenced.
         *
         * @return the new anchor: a time before a request that session answered, taken after any wait.
         */
        long resume() throws Exception;

        /**
         * A new session answers: take the host node and channels back once the nodes of
         * {@code pastSessions} are gone, and lift the fence. May block; throws to stay fenced.
         *
         * @return the new anchor, as for {@link #resume}: a rejoin may wait up to S for the old nodes.
         */
        long rejoin(Set<Long> pastSessions, long newSession) throws Exception;
    }

    private final CuratorFramework client;
    private final ClusterSettings settings;
    private final String probePath;
    private final String hostId;
    private final Host host;
    private final Object lock = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    // Guarded by lock.
    private long sessionId;
    private final Set<Long> pastSessions = new HashSet<>();
    private long anchorNs;
    private long sessionTimeoutMs;
    private boolean fenced;
    private long fencedAtNs;
    private String fenceNow;
    private long confirmedSession;
    private ZooKeeper outstanding;
    private long outstandingSinceNs;
    private String lastProblem;

    /**
     * @param sessionId the session that holds the host's nodes now.
     * @param anchorNs  a time before ZooKeeper last heard that session.
     */
    SessionGuard(final CuratorFramework client, final ClusterSettings settings, final String probePath, final long sessionId,
        final long negotiatedTimeoutMs, final long anchorNs, final Host host)
    {
        this.client = client;
        this.settings = settings;
        this.probePath = probePath;
        this.hostId = settings.hostId();
        this.host = host;
        this.sessionId = sessionId;
        this.anchorNs = anchorNs;
        this.sessionTimeoutMs = settings.sessionTimeoutMs(negotiatedTimeoutMs);
        this.thread = new Thread(this::run, "rpcool-session-" + hostId);
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /** S of the current session. */
    long sessionTimeoutMs()
    {
        synchronized (lock)
        {
            return sessionTimeoutMs;
        }
    }

    boolean isFenced()
    {
        synchronized (lock)
        {
            return fenced;
        }
    }

    /** Curator's view of the connection: LOST fences at once; RECONNECTED asks for a heartbeat now. */
    void onConnectionState(final ConnectionState state)
    {
        synchronized (lock)
        {
            if (state == ConnectionState.LOST && !fenced)
            {
                fenceNow = "ZooKeeper declared its session lost";
            }
            if (state == ConnectionState.RECONNECTED)
            {
                outstanding = null;
            }
            lock.notifyAll();
        }
    }

    private void run()
    {
        while (running)
        {
            try
            {
                step();
            }
            catch (final InterruptedException e)
            {
                return;
            }
            catch (final RuntimeException e)
            {
                LOG.log(System.Logger.Level.WARNING, "host {0}: session guard: {1}", hostId, e.toString());
            }
        }
    }

    private void step() throws InterruptedException
    {
        final long now = System.nanoTime();
        String fenceReason = null;
        long expiresAtNs = 0;
        boolean resume = false;
        long rejoinSession = 0;
        Set<Long> past = null;
        synchronized (lock)
        {
            final long fenceAtNs = settings.fenceAtNs(anchorNs, sessionTimeoutMs);
            if (!fenced && (fenceNow != null || now - fenceAtNs >= 0))
            {
                fenced = true;
                fencedAtNs = now;
                fenceReason = fenceNow != null ? fenceNow : String.format(
                    "no answer from ZooKeeper for %d ms, and its session of %d ms may expire in %d ms",
                    TimeUnit.NANOSECONDS.toMillis(now - anchorNs), sessionTimeoutMs,
                    Math.max(0, TimeUnit.NANOSECONDS.toMillis(ClusterSettings.sessionMayExpireAtNs(anchorNs, sessionTimeoutMs) - now)));
                expiresAtNs = ClusterSettings.sessionMayExpireAtNs(anchorNs, sessionTimeoutMs);
                fenceNow = null;
            }
            else if (fenced && confirmedSession != 0)
            {
                if (confirmedSession == sessionId)
                {
                    resume = true;
                }
                else
                {
                    rejoinSession = confirmedSession;
                    past = new HashSet<>(pastSessions);
                    past.add(sessionId);
                }
            }
        }
        if (fenceReason != null)
        {
            host.fence(fenceReason, expiresAtNs);
            return;
        }
        if (resume || rejoinSession != 0)
        {
            lift(resume, rejoinSession, past);
        }
        heartbeat();
        synchronized (lock)
        {
            final long untilFenceMs = fenced ? Long.MAX_VALUE :
                TimeUnit.NANOSECONDS.toMillis(settings.fenceAtNs(anchorNs, sessionTimeoutMs) - System.nanoTime()) + 1;
            final long waitMs = Math.max(1, Math.min(ClusterSettings.heartbeatIntervalMs(sessionTimeoutMs), untilFenceMs));
            if (running && fenceNow == null && (confirmedSession == 0 || !fenced))
            {
                lock.wait(waitMs);
            }
        }
    }

    private void lift(final boolean resume, final long newSession, final Set<Long> past) throws InterruptedException
    {
        final long answeredAtNs;
        try
        {
            answeredAtNs = resume ? host.resume() : host.rejoin(past, newSession);
        }
        catch (final InterruptedException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            synchronized (lock)
            {
                confirmedSession = 0;
                final String problem = e.getMessage();
                if (!String.valueOf(problem).equals(lastProblem))
                {
                    lastProblem = problem;
                    LOG.log(System.Logger.Level.WARNING, "host {0} stays fenced: {1}", hostId, problem);
                }
            }
            return;
        }
        synchronized (lock)
        {
            if (!resume)
            {
                pastSessions.add(sessionId);
                sessionId = newSession;
            }
            anchorNs = answeredAtNs;
            fenced = false;
            confirmedSession = 0;
            lastProblem = null;
        }
    }

    /** Send a heartbeat on the current handle unless one is on its way (or has been for longer than S). */
    private void heartbeat()
    {
        final ZooKeeper zk;
        try
        {
            zk = client.getZookeeperClient().getZooKeeper();
        }
        catch (final Exception e)
        {
            return;
        }
        final long sendNs = System.nanoTime();
        synchronized (lock)
        {
            if (outstanding == zk && sendNs - outstandingSinceNs < TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs))
            {
                return;
            }
            outstanding = zk;
            outstandingSinceNs = sendNs;
        }
        try
        {
            zk.exists(probePath, false, (rc, path, ctx, stat) -> answered(zk, rc, sendNs), null);
        }
        catch (final RuntimeException e)
        {
            synchronized (lock)
            {
                outstanding = null;
            }
        }
    }

    private void answered(final ZooKeeper zk, final int rc, final long sendNs)
    {
        final boolean ok = rc == KeeperException.Code.OK.intValue() || rc == KeeperException.Code.NONODE.intValue();
        final long session = zk.getSessionId();
        final int negotiated = zk.getSessionTimeout();
        synchronized (lock)
        {
            if (outstanding == zk)
            {
                outstanding = null;
            }
            if (!ok || session == 0)
            {
                return;
            }
            if (session == sessionId && !fenced)
            {
                anchorNs = Math.max(anchorNs, sendNs);
                sessionTimeoutMs = settings.sessionTimeoutMs(negotiated);
                return;
            }
            if (session != sessionId && pastSessions.contains(session))
            {
                return;   // a late answer to a session given up already
            }
            if (session != sessionId && !fenced)
            {
                fenceNow = "its ZooKeeper session was replaced by a new one";
            }
            else if (fenced && sendNs - fencedAtNs >= 0)
            {
                // Only an answer to a heartbeat sent after the fence lifts it: an older one would fence again at once.
                confirmedSession = session;
                if (session != sessionId)
                {
                    sessionTimeoutMs = settings.sessionTimeoutMs(negotiated);
                }
            }
            lock.notifyAll();
        }
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(2000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
