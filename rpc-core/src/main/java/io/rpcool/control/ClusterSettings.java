package io.rpcool.control;

import java.nio.file.Path;

/**
 * What a control plane needs to know about the daemon that uses it.
 *
 * @param hostId         this host's name in the cluster ({@code rpcool.host}).
 * @param poolDirectory  the shared pool: a directory on a tmpfs, hugetlbfs or DAX mount that every host of the
 *                       cluster sees ({@code rpcool.pool.dir}).
 * @param leaseTimeoutMs how long a host may go without renewing before its leases expire ({@code rpcool.lease.timeoutMs}).
 * @param windowBase     start of the heap address window.
 * @param windowEnd      end of the heap address window.
 */
public record ClusterSettings(String hostId, Path poolDirectory, long leaseTimeoutMs, long windowBase, long windowEnd)
{
}
