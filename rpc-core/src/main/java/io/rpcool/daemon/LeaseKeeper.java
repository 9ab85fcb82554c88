package io.rpcool.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Process leases: a process that renews ({@code LEASE_RENEW}) holds a lease, and one that stops
 * renewing for the lease timeout is treated as dead, like one whose socket closed. Conductor
 * thread only.
 */
final class LeaseKeeper
{
    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long timeoutNs;
    private long nextCheckNs;

    LeaseKeeper(final long leaseTimeoutMs)
    {
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(leaseTimeoutMs);
    }

    /** The process renewed its lease. */
    void renewed(final ProcessRecord process, final long nowNs)
    {
        process.lastRenewNs = nowNs;
        process.leased = true;
    }

    /**
     * @return the processes whose lease expired since the last check (none if leases are off or
     * the check is not due).
     */
    List<ProcessRecord> expired(final Iterable<ProcessRecord> processes, final long nowNs)
    {
        if (timeoutNs <= 0 || nowNs - nextCheckNs < 0)
        {
            return List.of();
        }
        nextCheckNs = nowNs + CHECK_INTERVAL_NS;
        List<ProcessRecord> expired = null;
        for (final ProcessRecord p : processes)
        {
            if (p.leased && !p.gone && nowNs - p.lastRenewNs > timeoutNs)
            {
                if (expired == null)
                {
                    expired = new ArrayList<>();
                }
                expired.add(p);
            }
        }
        return expired == null ? List.of() : expired;
    }
}
