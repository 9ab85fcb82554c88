package io.rpcool.idle;

import org.agrona.ErrorHandler;

import io.rpcool.nativeio.Futex;

/**
 * How the threads of one process wait, shared by every {@link AdaptiveIdleStrategy} of the
 * process: the waiting mode (the daemon's choice from the host's load, or pinned by
 * configuration), the spin and sleep periods, and the process's one {@link CompletionPoller},
 * started on first use.
 */
public final class WaitControl
{
    private final int forcedLevel;
    private final long spinNs;
    private final long sleepNs;
    private final long deepIdleAfterNs;
    private final long deepIdleParkNs;
    private final ErrorHandler errorHandler;
    private final boolean futex;
    private volatile long handOffParkNs = 50_000_000L;
    private volatile int daemonLevel = IdleLevels.SPIN;
    private volatile CompletionPoller poller;
    private volatile boolean closed;

    /**
     * @param forcedLevel     a level of {@link IdleLevels} to keep whatever the daemon says, or -1 to follow it.
     * @param spinNs          how long a waiting thread spins before it sleeps or hands off.
     * @param sleepNs         sleep between polls in {@link IdleLevels#SLEEP}.
     * @param deepIdleAfterNs after this long with no work, every mode parks {@code deepIdleParkNs} between polls.
     * @param deepIdleParkNs  park between polls of a deep idle.
     * @param futex           true to let waiters that can ({@link Sleeper}) end their wait in {@code futex(2)},
     *                        woken by the other side; ignored where {@link Futex#isAvailable()} is false.
     * @param errorHandler    where the poller reports failures of what it watches.
     */
    public WaitControl(
        final int forcedLevel,
        final long spinNs,
        final long sleepNs,
        final long deepIdleAfterNs,
        final long deepIdleParkNs,
        final boolean futex,
        final ErrorHandler errorHandler)
    {
        this.futex = futex && Futex.isAvailable();
        this.forcedLevel = forcedLevel;
        this.spinNs = spinNs;
        this.sleepNs = sleepNs;
        this.deepIdleAfterNs = deepIdleAfterNs;
        this.deepIdleParkNs = deepIdleParkNs;
        this.errorHandler = errorHandler;
    }

    /** The current waiting mode, one of {@link IdleLevels}. */
    public int idleLevel()
    {
        final int forced = forcedLevel;
        return forced >= 0 ? forced : daemonLevel;
    }

    /** The daemon moved the host to another waiting mode. */
    public void daemonLevel(final int level)
    {
        daemonLevel = level;
    }

    /** True if waiters end their wait in {@code futex(2)}, woken by the other side. */
    public boolean futex()
    {
        return futex;
    }

    public long spinNs()
    {
        return spinNs;
    }

    public long sleepNs()
    {
        return sleepNs;
    }

    public long deepIdleAfterNs()
    {
        return deepIdleAfterNs;
    }

    public long deepIdleParkNs()
    {
        return deepIdleParkNs;
    }

    /**
     * Longest park of a thread that handed its wait to the poller before it looks again itself
     * (default 50 ms): the poller unparks it as soon as its work is there.
     */
    public long handOffParkNs()
    {
        return handOffParkNs;
    }

    public WaitControl handOffParkNs(final long handOffParkNs)
    {
        this.handOffParkNs = handOffParkNs;
        return this;
    }

    /** The process's polling thread, started on first use. */
    public CompletionPoller poller()
    {
        CompletionPoller p = poller;
        if (p == null)
        {
            synchronized (this)
            {
                p = poller;
                if (p == null)
                {
                    if (closed)
                    {
                        throw new IllegalStateException("the process's RPCool instance is closed");
                    }
                    p = new CompletionPoller(this, errorHandler);
                    poller = p;
                }
            }
        }
        return p;
    }

    /**
     * @return true once the poller (if any) cannot still be reading memory released before the call.
     */
    public boolean quiescePoller()
    {
        final CompletionPoller p = poller;
        return p == null || p.quiesce();
    }

    /** A token for {@link #isPollerPast(long)}. */
    public long pollerScans()
    {
        final CompletionPoller p = poller;
        return p == null ? -1 : p.scans();
    }

    /** True once the poller cannot still be reading memory released before {@code scansThen} was taken. */
    public boolean isPollerPast(final long scansThen)
    {
        final CompletionPoller p = poller;
        return p == null || scansThen < 0 || p.isPast(scansThen);
    }

    /** Waits handed to the poller so far (asynchronous calls, parked threads). */
    public long handOffs()
    {
        final CompletionPoller p = poller;
        return p == null ? 0 : p.watches();
    }

    /** Stop the poller. */
    public void close()
    {
        final CompletionPoller p;
        synchronized (this)
        {
            closed = true;
            p = poller;
        }
        if (p != null)
        {
            p.close();
        }
    }
}
