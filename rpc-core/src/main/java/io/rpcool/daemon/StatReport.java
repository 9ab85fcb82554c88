package io.rpcool.daemon;

import java.util.ArrayList;
import java.util.List;

import io.rpcool.idle.IdleLevels;
import io.rpcool.nativeio.Native;
import io.rpcool.stat.CountersReport;

/**
 * {@code ./rpcool stat}: the daemon's processes, channels, connections, heaps and quotas, from the
 * conductor's registries (built on its thread), then every process's counters and errors from the
 * counters files of the directory.
 */
final class StatReport
{
    private StatReport()
    {
    }

    static String of(final DaemonConductor c)
    {
        final DaemonConfig config = c.config;
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("daemon pid %d, directory %s, up %d s%n", Native.pid(), config.directory(),
            (System.currentTimeMillis() - c.startedAtMs) / 1000));
        sb.append(String.format("idle level %s (other load %.0f %%; spin below %.0f %%, sleep below %.0f %%)%n",
            IdleLevels.name(c.idleLevel), c.lastLoad * 100, config.spinBelow() * 100, config.sleepBelow() * 100));
        sb.append(String.format("seal backend: %s%n", c.heapMapper.sealBackendName()));
        sb.append(String.format("process leases: %s%n", config.leaseTimeoutMs() > 0 ?
            "expire after " + config.leaseTimeoutMs() + " ms without renewal" : "off"));
        sb.append(String.format("allowed users: %s%n", config.allowedUidsDescription()));
        sb.append(c.cluster == null ? String.format("cluster: none (single host)%n") :
            String.format("cluster: host %s, orchestrator %s, pool %s, %s%n", c.cluster.hostId(), config.orchestrator(),
            config.describePool(), c.fence.describe()));
        sb.append(String.format("  %s%n", c.heapMapper.describeSeal()));
        sb.append(String.format("processes (%d), quota %d bytes each:%n", c.processes.size(), config.quotaBytes()));
        for (final ProcessRecord p : c.processes.values())
        {
            sb.append(String.format("  pid %-7d %-24s domain %-10s quota used %d / %d bytes%s%n",
                p.pid, p.name, p.domain, p.quotaUsed, config.quotaBytes(),
                p.leased ? String.format(", lease renewed %d ms ago", (System.nanoTime() - p.lastRenewNs) / 1_000_000) : ""));
        }
        sb.append(String.format("channels (%d):%n", c.channels.size()));
        for (final ChannelRecord ch : c.channels.values())
        {
            sb.append(String.format("  %-24s id %-4d server pid %-7d domain %-10s tcp %s:%d%n",
                ch.name, ch.id, ch.owner.pid, ch.domain, ch.host, ch.port));
        }
        sb.append(String.format("connections (%d):%n", c.connections.size()));
        for (final ConnectionRecord conn : c.connections.values())
        {
            sb.append(String.format("  id %-4d %-24s client %-12s server %-12s heap %d%s%n",
                conn.id, conn.channel.name, conn.client.label(), conn.channel.owner.label(), conn.heap.id,
                conn.accepted ? "" : " (connecting)"));
        }
        sb.append(String.format("heaps (%d):%n", c.heaps.size()));
        for (final HeapRecord h : c.heaps.values())
        {
            final List<Integer> pids = new ArrayList<>();
            for (final ProcessRecord p : h.mappers.keySet())
            {
                pids.add(p.pid);
            }
            sb.append(String.format("  id %-4d address 0x%x size %d (%s, %s) mapped by pids %s%n", h.id, h.address, h.length,
                h.describeOwner(), (h.pooled ? poolKind(h) : "") + (h.fenced ? ", fenced" : "") + (h.pooled ? "" :
                h.sourceId != 0 ? c.heapMapper.sealBackendName() + " heap " + h.sourceId : "memfd"), pids));
        }
        sb.append(CountersReport.of(config.directory()));
        return sb.toString();
    }

    /** Which pool a cluster heap lives in: a file of its own, or a range of the pool device (it starts past the device's header). */
    private static String poolKind(final HeapRecord h)
    {
        return h.fileOffset > 0 ? String.format("pool device range [0x%x, 0x%x)", h.fileOffset, h.fileOffset + h.length) : "pool file";
    }
}
