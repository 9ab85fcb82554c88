package io.rpcool.orchestrator;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the cluster keeps its state in ZooKeeper (under a root, {@code /rpcool} by default).
 *
 * <pre>
 *  root/hosts/&lt;host&gt;                   ephemeral   a live host (its daemon's session)
 *  root/channels/&lt;encoded name&gt;        ephemeral   host, channel id, server pid, domain, TCP host, TCP port
 *  root/alloc                           persistent  its version orders every change of the heap set
 *  root/heaps/&lt;address&gt;-&lt;length&gt;-&lt;nonce&gt;  persistent  a heap of the pool (hex); file heap-&lt;node name&gt;;
 *                                                data: creator host, time, purpose
 *  root/heaps/&lt;address&gt;-&lt;length&gt;-&lt;nonce&gt;-&lt;offset&gt;   the same for a pool device: the heap is the
 *                                                range [offset, offset + length) of the device (hex)
 *  root/device                          persistent  a device pool: pool id (also in the device's header), bytes
 *  root/heaps/&lt;heap&gt;/&lt;host&gt;-&lt;pid&gt;    ephemeral   a lease: that process on that host maps the heap
 *  root/inbox/&lt;host&gt;/m-&lt;sequence&gt;     persistent  a message for that host's daemon (sender, bytes)
 *  root/leader                          LeaderLatch of the orchestrators; the leader reclaims orphans
 *  root/stats/reclaimed                 persistent  heaps and bytes reclaimed so far
 * </pre>
 * A heap's node and its creator's lease are created in one transaction with a version check of
 * {@code alloc}, and a reclaim deletes the heap node in one with the same check: two allocations
 * or an allocation and a reclaim never interleave, whichever orchestrator or daemon runs them.
 */
final class ClusterPaths
{
    final String root;
    final String hosts;
    final String channels;
    final String alloc;
    final String heaps;
    final String inbox;
    final String leader;
    final String reclaimed;
    final String device;

    ClusterPaths(final String root)
    {
        this.root = root;
        this.hosts = root + "/hosts";
        this.channels = root + "/channels";
        this.alloc = root + "/alloc";
        this.heaps = root + "/heaps";
        this.inbox = root + "/inbox";
        this.leader = root + "/leader";
        this.reclaimed = root + "/stats/reclaimed";
        this.device = root + "/device";
    }

    /** Node name of a heap that is the range from {@code offset} of the pool device. */
    static String heapName(final long address, final long length, final int nonce, final long offset)
    {
        return offset < 0 ? heapName(address, length, nonce) : String.format("%016x-%x-%08x-%x", address, length, nonce, offset);
    }

    /** Start of the heap's range of the pool device, or -1 for a heap that is a file of its own. */
    static long heapOffset(final String name)
    {
        final String[] f = name.split("-");
        return f.length > 3 ? Long.parseLong(f[3], 16) : -1;
    }

    /** Node name of a heap: address, length and a nonce of its creation, in hex. */
    static String heapName(final long address, final long length, final int nonce)
    {
        return String.format("%016x-%x-%08x", address, length, nonce);
    }

    static String heapPrefix(final long address, final long length)
    {
        return String.format("%016x-%x-", address, length);
    }

    static long heapAddress(final String name)
    {
        return Long.parseUnsignedLong(name.split("-")[0], 16);
    }

    static long heapLength(final String name)
    {
        return Long.parseLong(name.split("-")[1], 16);
    }

    static String leaseName(final String host, final int pid)
    {
        return host + "-" + pid;
    }

    static String channelNode(final String name)
    {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    static String channelName(final String node)
    {
        return URLDecoder.decode(node, StandardCharsets.UTF_8);
    }

    /** File of a heap in the pool directory: unique per creation, so a reclaim never removes a newer heap's file. */
    static String poolFile(final String heapName)
    {
        return "heap-" + heapName;
    }

    static String checkHostId(final String hostId)
    {
        if (hostId == null || !hostId.matches("[A-Za-z0-9._-]+"))
        {
            throw new IllegalArgumentException("host id must be letters, digits, '.', '_' or '-' (rpcool.host): '" + hostId + "'");
        }
        return hostId;
    }
}
