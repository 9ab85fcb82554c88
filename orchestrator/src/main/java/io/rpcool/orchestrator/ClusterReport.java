package io.rpcool.orchestrator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.curator.framework.CuratorFramework;

/**
 * The cluster's state as text, for {@code ./rpcool stat}: hosts, orchestrators, channels, heaps with
 * their leases (holder host and pid) and the pool each lives in (a file of its own, or a range of
 * the pool device), the shared memory each holder maps across the cluster (what counts against its
 * quota), pool usage — for a pool device: used, free and the largest free range, so fragmentation
 * shows — and what has been reclaimed.
 */
final class ClusterReport
{
    private ClusterReport()
    {
    }

    static String describe(final CuratorFramework client, final ClusterPaths paths, final Path pool)
    {
        final StringBuilder sb = new StringBuilder();
        try
        {
            final List<String> hosts = client.getChildren().forPath(paths.hosts);
            Collections.sort(hosts);
            sb.append(String.format("cluster hosts (%d): %s%n", hosts.size(), String.join(", ", hosts)));
            final List<String> latch = client.checkExists().forPath(paths.leader) == null ?
                List.of() : client.getChildren().forPath(paths.leader);
            Collections.sort(latch, (a, b) -> a.substring(a.lastIndexOf('-')).compareTo(b.substring(b.lastIndexOf('-'))));
            sb.append("orchestrators:");
            boolean first = true;
            for (final String node : latch)
            {
                final String id;
                try
                {
                    id = new String(client.getData().forPath(paths.leader + "/" + node), StandardCharsets.UTF_8);
                }
                catch (final Exception e)
                {
                    continue;
                }
                sb.append(' ').append(id).append(first ? " (leader)" : " (standby)");
                first = false;
            }
            sb.append(latch.isEmpty() ? " none running: orphaned heaps are not reclaimed\n" : "\n");
            final List<String> channels = client.getChildren().forPath(paths.channels);
            Collections.sort(channels);
            sb.append(String.format("cluster channels (%d):%n", channels.size()));
            for (final String c : channels)
            {
                try
                {
                    final var e = ZkControlPlane.parseChannel(
                        ClusterPaths.channelName(c), client.getData().forPath(paths.channels + "/" + c));
                    sb.append(String.format("  %-24s host %-10s server pid %-7d domain %-10s tcp %s:%d%n",
                        e.name(), e.hostId(), e.serverPid(), e.domain(), e.tcpHost(), e.tcpPort()));
                }
                catch (final Exception e)
                {
                    // closed meanwhile
                }
            }
            final List<String> heaps = client.getChildren().forPath(paths.heaps);
            Collections.sort(heaps);
            final Map<String, long[]> holders = new TreeMap<>();
            long total = 0;
            sb.append(String.format("cluster heaps (%d):%n", heaps.size()));
            for (final String h : heaps)
            {
                final long length = ClusterPaths.heapLength(h);
                total += length;
                final List<String> leases;
                try
                {
                    leases = client.getChildren().forPath(paths.heaps + "/" + h);
                }
                catch (final Exception e)
                {
                    continue;
                }
                Collections.sort(leases);
                for (final String l : leases)
                {
                    final long[] sum = holders.computeIfAbsent(l, k -> new long[2]);
                    sum[0] += length;
                    sum[1]++;
                }
                final long offset = ClusterPaths.heapOffset(h);
                sb.append(String.format("  0x%x size %d %s leases %s%n", ClusterPaths.heapAddress(h), length,
                    offset < 0 ? "pool file" : String.format("pool device [0x%x, 0x%x)", offset, offset + DeviceRanges.align(length)),
                    leases.isEmpty() ? "none (orphan: reclaimed soon)" : String.join(", ", leases)));
            }
            sb.append(String.format("lease holders (%d), shared memory each maps across the cluster:%n", holders.size()));
            for (final Map.Entry<String, long[]> e : holders.entrySet())
            {
                sb.append(String.format("  %-24s %d bytes in %d heaps%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
            }
            final String reclaimed = new String(client.getData().forPath(paths.reclaimed), StandardCharsets.UTF_8);
            final String device = client.checkExists().forPath(paths.device) == null ? null :
                new String(client.getData().forPath(paths.device), StandardCharsets.UTF_8);
            if (device == null)
            {
                sb.append(String.format("pool files in %s: %d bytes in use%s, %d bytes in live heaps; reclaimed so far: %s%n", pool,
                    PoolUsage.usedBytes(pool), PoolUsage.isOwnMount(pool) ? "" : " (sum of heap files)", total,
                    Orchestrator.describeReclaimed(reclaimed)));
            }
            else
            {
                final String[] f = device.split("\n");
                final DeviceRanges ranges = new DeviceRanges(Long.parseLong(f[1]), heaps);
                sb.append(String.format("pool device %s, %d bytes (%d for heaps): %s; reclaimed so far: %s%n", f[0],
                    Long.parseLong(f[1]), ranges.usableBytes(), ranges.describe(), Orchestrator.describeReclaimed(reclaimed)));
            }
        }
        catch (final Exception e)
        {
            sb.append("cluster state unavailable: ").append(e).append('\n');
        }
        return sb.toString();
    }
}
