package io.rpcool.control;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.rpcool.config.Setting;

/**
 * What a control plane needs to know about the daemon that uses it, and the cluster's timing rule
 * for leases and fencing, stated here and nowhere else.
 *
 * <h2>Leases, fencing and reclaim: the timing rule</h2>
 * <pre>
 *   S  session timeout: the host's ZooKeeper session as the ensemble negotiated it, at most the
 *      requested {@code rpcool.lease.timeoutMs} ({@link #sessionTimeoutMs}: the smaller of the two)
 *   A  anchor: when the host sent the last request its session was answered for (it sends one every
 *      {@link #heartbeatIntervalMs H = S / 10}); ZooKeeper heard the session at or after A
 *   M  fence margin: {@code rpcool.fence.marginMs}, by default S / 4, kept within [2 H, S / 2]
 *   R  reclaim delay of the orchestrator: {@code rpcool.orchestrator.reclaimDelayMs}, at least
 *      {@link #MIN_RECLAIM_DELAY_MS}
 *
 *   ──A─────────────────────────┬───────────────────┬─────────────────────┬──────────▶ time
 *                             A+S−M                A+S                  A+S+R
 *                         the host fences    the session may expire;   earliest reclaim
 *                         itself: no new     by now every process of   of a heap the host
 *                         heaps, processes   the host has unmapped     held, and reuse of
 *                         told to unmap      the fenced heaps, or the  its addresses
 *                                            daemon kills it
 * </pre>
 * ZooKeeper expires a session no earlier than S after it last heard it, so no earlier than A + S;
 * the orchestrator reclaims a heap only once it has had no lease for R, so no earlier than A + S + R.
 * A host that has had no answer since A fences itself at {@link #fenceAtNs A + S − M}: it stops
 * creating and opening pool heaps and tells every local process to stop using (and unmap) the ones
 * it maps. A process still mapping one at {@link #unmapDeadlineNs A + S} is killed. So processes
 * get M to unmap, the kill gets R to take effect, and no process of the fenced host maps a heap's
 * addresses by the time another host can be given them. No bound needs clocks to agree: each is a
 * duration on one host's monotonic clock (ZooKeeper's on its own), and every host and orchestrator
 * may use its own M and R.
 *
 * @param hostId         this host's name in the cluster ({@code rpcool.host}).
 * @param poolDirectory  the shared pool: a directory on a tmpfs, hugetlbfs or DAX mount that every host of the
 *                       cluster sees ({@code rpcool.pool.dir}).
 * @param leaseTimeoutMs how long a host may go without renewing before its leases expire ({@code rpcool.lease.timeoutMs}):
 *                       the ZooKeeper session timeout it requests.
 * @param windowBase     start of the heap address window.
 * @param windowEnd      end of the heap address window.
 * @param fenceMarginMs  M as configured ({@code rpcool.fence.marginMs}); 0 for a quarter of the session timeout.
 * @param poolDevice     the pool as one memory device as this host sees it ({@code rpcool.pool.device}): heaps are
 *                       ranges of it; null for one file per heap in {@code poolDirectory}.
 */
public record ClusterSettings(String hostId, Path poolDirectory, long leaseTimeoutMs, long windowBase, long windowEnd,
    long fenceMarginMs, Path poolDevice)
{
    /** The shortest reclaim delay an orchestrator accepts: the time a kill of a fenced process gets to take effect. */
    public static final long MIN_RECLAIM_DELAY_MS = 200;
    /** The shortest session a host asks ZooKeeper for. */
    public static final long MIN_SESSION_TIMEOUT_MS = 1000;

    /** Settings with the fence margin of {@code rpcool.fence.marginMs}. */
    public ClusterSettings(final String hostId, final Path poolDirectory, final long leaseTimeoutMs, final long windowBase,
        final long windowEnd)
    {
        this(hostId, poolDirectory, leaseTimeoutMs, windowBase, windowEnd, Setting.FENCE_MARGIN_MS.longValue());
    }

    /** Settings with the pool device of {@code rpcool.pool.device} (none when it is empty). */
    public ClusterSettings(final String hostId, final Path poolDirectory, final long leaseTimeoutMs, final long windowBase,
        final long windowEnd, final long fenceMarginMs)
    {
        this(hostId, poolDirectory, leaseTimeoutMs, windowBase, windowEnd, fenceMarginMs, configuredDevice());
    }

    /** The pool device of {@code rpcool.pool.device}, or null for a file pool. */
    public static Path configuredDevice()
    {
        final String device = Setting.POOL_DEVICE.string();
        return device == null || device.isEmpty() ? null : Path.of(device);
    }

    /** These settings with {@code device} as the pool (null: one file per heap). */
    public ClusterSettings withPoolDevice(final Path device)
    {
        return new ClusterSettings(hostId, poolDirectory, leaseTimeoutMs, windowBase, windowEnd, fenceMarginMs, device);
    }

    /** "device" or "files": the pool kind, as stat shows it. */
    public String poolKind()
    {
        return poolDevice == null ? "files" : "device";
    }

    /** The session timeout a host requests: its lease timeout, at least {@link #MIN_SESSION_TIMEOUT_MS}. */
    public long requestedSessionTimeoutMs()
    {
        return Math.max(MIN_SESSION_TIMEOUT_MS, leaseTimeoutMs);
    }

    /** S: the session timeout that counts, given what ZooKeeper negotiated (0 if not known yet). */
    public long sessionTimeoutMs(final long negotiatedMs)
    {
        final long requested = requestedSessionTimeoutMs();
        return negotiatedMs > 0 ? Math.min(requested, negotiatedMs) : requested;
    }

    /** H: how often a host confirms its session with a request of its own. */
    public static long heartbeatIntervalMs(final long sessionTimeoutMs)
    {
        return Math.max(10, sessionTimeoutMs / 10);
    }

    /** M: how long before its session may expire a host fences itself. */
    public long fenceMarginMs(final long sessionTimeoutMs)
    {
        final long margin = fenceMarginMs > 0 ? fenceMarginMs : sessionTimeoutMs / 4;
        return Math.min(sessionTimeoutMs / 2, Math.max(2 * heartbeatIntervalMs(sessionTimeoutMs), margin));
    }

    /** A + S − M: when a host that has heard nothing from ZooKeeper since {@code anchorNs} fences itself. */
    public long fenceAtNs(final long anchorNs, final long sessionTimeoutMs)
    {
        return anchorNs + TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs - fenceMarginMs(sessionTimeoutMs));
    }

    /** A + S: the earliest moment ZooKeeper may expire the session and with it the host's leases. */
    public static long sessionMayExpireAtNs(final long anchorNs, final long sessionTimeoutMs)
    {
        return anchorNs + TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
    }

    /**
     * A + S, from {@link #sessionMayExpireAtNs}: by then no local process maps a fenced heap; the
     * daemon kills one that still does.
     */
    public static long unmapDeadlineNs(final long sessionMayExpireAtNs)
    {
        return sessionMayExpireAtNs;
    }

    /** R as an orchestrator may use it: at least {@link #MIN_RECLAIM_DELAY_MS}. */
    public static long checkReclaimDelay(final long reclaimDelayMs)
    {
        if (reclaimDelayMs < MIN_RECLAIM_DELAY_MS)
        {
            throw new IllegalArgumentException("reclaim delay " + reclaimDelayMs + " ms is below " + MIN_RECLAIM_DELAY_MS +
                " ms: the kill of a fenced host's process that still maps a heap would not be sure to land before the heap is reused");
        }
        return reclaimDelayMs;
    }
}
