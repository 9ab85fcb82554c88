package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The conductor's handling of data heaps: a party of a connection (or a channel's server) adds a
 * heap, every other party maps it before the creator may hand out pointers into it, and a client
 * maps a channel's existing shared heaps; and ranges of the address window held for memory a process
 * maps itself (the DSM heap of a connection across memory domains). Runs on the conductor thread, on
 * its registries.
 */
final class DataHeapBroker
{
    private final DaemonConductor conductor;

    DataHeapBroker(final DaemonConductor conductor)
    {
        this.conductor = conductor;
    }


    void onAddHeap(final ProcessRecord process, final long requestId, final int scope, final long ownerId, final long length)
    {
        if (length <= 0 || length > Integer.MAX_VALUE || (scope != SCOPE_CONNECTION && scope != SCOPE_CHANNEL))
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "bad heap request: scope " + scope + ", length " + length);
            return;
        }
        final long size = (length + 4095) & ~4095L;
        final List<ProcessRecord> parties = parties(scope, ownerId);
        if (parties == null || !parties.contains(process))
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST,
                "process " + process.pid + " is not a party of " + (scope == SCOPE_CHANNEL ? "channel " : "connection ") + ownerId);
            return;
        }
        if (scope == SCOPE_CONNECTION)
        {
            final ConnectionRecord conn = conductor.connections.get(ownerId);
            long held = 0;
            for (final HeapRecord h : conn.dataHeaps)
            {
                held += h.length;
            }
            if (held + size > conn.channel.connectionQuotaBytes)
            {
                conductor.refuseQuota(process, requestId, String.format(
                    "a heap of %d bytes would take connection %d of %s to %d bytes of data heaps, over the channel's " +
                    "per-connection limit of %d bytes (ChannelOptions.connectionQuotaBytes); other connections are not affected",
                    size, conn.id, conn.channel.name, held + size, conn.channel.connectionQuotaBytes));
                return;
            }
        }
        for (final ProcessRecord p : parties)
        {
            if (p.isLocal() && p.quotaUsed + size > conductor.config.quotaBytes())
            {
                conductor.refuseQuota(process, requestId, String.format(
                    "a heap of %d bytes would take %s process %d over its shared-memory quota of %d bytes " +
                    "(%d in use; set with --quota or rpcool.quota.bytes)",
                    size, p == process ? "this" : "peer", p.pid, conductor.config.quotaBytes(), p.quotaUsed));
                return;
            }
        }
        if (conductor.remote != null)
        {
            if (scope == SCOPE_CHANNEL && RemotePeers.hasRemoteParty(parties))
            {
                conductor.proxy.error(process, requestId, E_BAD_REQUEST, "channel " + ownerId + " has clients on other hosts: " +
                    "its shared heaps cannot grow across hosts");
                return;
            }
            conductor.remote.createHeap(process, requestId, size, (scope == SCOPE_CHANNEL ? "channel " : "connection ") + ownerId + " data",
                heap -> heapAdded(process, requestId, heap, scope, ownerId));
            return;
        }
        final HeapRecord heap;
        try
        {
            heap = conductor.heapMapper.create(conductor.nextId(), size, 0);
        }
        catch (final HeapMapper.HeapRefusal e)
        {
            conductor.proxy.error(process, requestId, e.code, e.getMessage());
            return;
        }
        conductor.heaps.put(heap.id, heap);
        heapAdded(process, requestId, heap, scope, ownerId);
    }

    private void heapAdded(final ProcessRecord process, final long requestId, final HeapRecord heap, final int scope, final long ownerId)
    {
        conductor.counters.heapsCreated.increment();
        heap.scope = scope;
        heap.ownerId = ownerId;
        heap.creator = process;
        final ChannelRecord channel = scope == SCOPE_CHANNEL ? conductor.channelById(ownerId) : null;
        final ConnectionRecord conn = scope == SCOPE_CONNECTION ? conductor.connections.get(ownerId) : null;
        if (channel == null && conn == null)
        {
            conductor.heaps.remove(heap.id);
            conductor.heapMapper.release(heap);
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "the " + heap.describeOwner() + " heap's owner is gone");
            return;
        }
        if (channel != null)
        {
            channel.sharedHeaps.add(heap);
        }
        else
        {
            conn.dataHeaps.add(heap);
        }
        conductor.map(heap, process);
        conductor.proxy.heap(process, requestId, heap);
    }

    /**
     * The creator formatted a new heap: every other party maps it before the creator may hand out
     * pointers into it.
     */
    void onHeapReady(final ProcessRecord process, final long requestId, final long heapId)
    {
        final HeapRecord heap = conductor.heaps.get(heapId);
        if (heap == null || heap.creator != process)
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "no heap " + heapId + " of this process");
            return;
        }
        if (heap.fenced)
        {
            conductor.proxy.error(process, requestId, E_FENCED, "heap " + heapId + " was fenced: " + conductor.fence.refusal());
            return;
        }
        final List<ProcessRecord> others = new ArrayList<>();
        final List<ProcessRecord> parties = parties(heap.scope, heap.ownerId);
        if (parties != null)
        {
            for (final ProcessRecord p : parties)
            {
                if (p != process && !heap.mappers.containsKey(p))
                {
                    others.add(p);
                }
            }
        }
        final Barrier barrier = new Barrier(others.size(), problems ->
        {
            if (problems.isEmpty())
            {
                conductor.proxy.ok(process, requestId);
            }
            else
            {
                conductor.proxy.error(process, requestId, E_REJECTED, String.join("; ", problems));
            }
        });
        for (final ProcessRecord other : others)
        {
            if (!other.isLocal())
            {
                conductor.remote.shareHeap(heap, other, barrier::arrive);
                continue;
            }
            conductor.map(heap, other);
            final long pushId = conductor.nextId();
            conductor.answers.awaitFrom(other, pushId, conductor.deadline(), "process " + other.pid + " did not map the heap within " +
                conductor.config.peerAnswerTimeoutMs() + " ms", reason ->
                {
                    if (!reason.isEmpty())
                    {
                        conductor.unmap(heap, other);
                        barrier.arrive("process " + other.pid + ": " + reason);
                    }
                    else
                    {
                        barrier.arrive(null);
                    }
                });
            if (!conductor.proxy.newHeap(other, pushId, heap))
            {
                conductor.answers.complete(pushId, "not reachable");
            }
        }
    }

    void onMapHeap(final ProcessRecord process, final long requestId, final long heapId)
    {
        final HeapRecord heap = conductor.heaps.get(heapId);
        if (heap != null && heap.fenced)
        {
            conductor.proxy.error(process, requestId, E_FENCED, "heap " + heapId + " was fenced: " + conductor.fence.refusal());
            return;
        }
        final List<ProcessRecord> parties = heap == null ? null : parties(heap.scope, heap.ownerId);
        if (parties == null || !parties.contains(process))
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "heap " + heapId + " is not shared with process " + process.pid);
            return;
        }
        if (!heap.mappers.containsKey(process))
        {
            if (process.quotaUsed + heap.length > conductor.config.quotaBytes())
            {
                conductor.refuseQuota(process, requestId, String.format(
                    "mapping heap %d of %d bytes would take this process %d over its shared-memory quota of %d bytes (%d in use)",
                    heapId, heap.length, process.pid, conductor.config.quotaBytes(), process.quotaUsed));
                return;
            }
            // A process maps a data heap once, however many of its connections use it.
            conductor.map(heap, process);
        }
        conductor.proxy.heap(process, requestId, heap);
    }

    /** The processes a data heap of this scope is shared between, or null if the owner is gone. */
    List<ProcessRecord> parties(final int scope, final long ownerId)
    {
        final List<ProcessRecord> parties = new ArrayList<>();
        if (scope == SCOPE_CONNECTION)
        {
            final ConnectionRecord conn = conductor.connections.get(ownerId);
            if (conn == null)
            {
                return null;
            }
            parties.add(conn.client);
            parties.add(conn.channel.owner);
            return parties;
        }
        final ChannelRecord channel = conductor.channelById(ownerId);
        if (channel == null)
        {
            return null;
        }
        parties.add(channel.owner);
        for (final ConnectionRecord conn : conductor.connections.values())
        {
            if (conn.channel == channel && conn.accepted && !parties.contains(conn.client))
            {
                parties.add(conn.client);
            }
        }
        return parties;
    }

    /** A range of the window for memory the process maps itself (a DSM heap); the process holds it until it releases it or is gone. */
    void onReserveRange(final ProcessRecord process, final long requestId, final long length)
    {
        if (length <= 0 || length > Integer.MAX_VALUE)
        {
            conductor.proxy.error(process, requestId, E_BAD_REQUEST, "bad range length " + length);
            return;
        }
        final long address = conductor.heapMapper.reserveFree(length);
        if (address < 0)
        {
            conductor.proxy.error(process, requestId, E_ADDRESS_SPACE_FULL, "the daemon's heap address window is full");
            return;
        }
        process.reservedRanges.add(address);
        conductor.proxy.rangeReserved(process, requestId, address);
    }

    void onReleaseRange(final ProcessRecord process, final long requestId, final long address)
    {
        if (process.reservedRanges.remove(Long.valueOf(address)))
        {
            conductor.heapMapper.unreserve(address);
        }
        conductor.proxy.ok(process, requestId);
    }
}
