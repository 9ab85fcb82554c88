package io.rpcool.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.rpcool.control.ClusterSettings;
import io.rpcool.nativeio.Native;

/**
 * The daemon's side of fencing ({@link ClusterSettings} states the timing rule). When the control
 * plane fences the host, every connection over a pool heap ends (its remote end is told through
 * the control plane, which holds the message until the session is proven), every pool heap is
 * marked fenced and never mapped again, and every local process that maps one is told which
 * ({@link ControlProtocol#FENCED}); it fails its connections over them and unmaps them, detaching
 * each as usual. Until the host rejoins, requests that need a pool heap are refused with
 * {@link ControlProtocol#E_FENCED}. A process that still maps a fenced heap when the session may
 * expire is killed: past that moment another host may be given the heap's addresses.
 *
 * <pre>
 *   onFenced ──▶ fenced: no new pool heaps; processes told; unmap deadline = session may expire
 *   check    ──▶ at the deadline, processes still mapping a fenced heap are killed (kill -9)
 *   onRejoined(same session) ──▶ not fenced; no deadline (the leases never lapsed)
 *   onRejoined(new session)  ──▶ not fenced; the deadline stays for the heaps still mapped
 * </pre>
 * Conductor thread only.
 */
final class HostFence
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");
    /** Heap addresses per {@link ControlProtocol#FENCED} push, well within a control message. */
    private static final int ADDRESSES_PER_PUSH = 1024;

    private final DaemonConductor conductor;
    private boolean fenced;
    private long epoch;
    private String reason;
    private long fencedAtNs;
    /** When every local process must have unmapped the fenced heaps; 0 for no deadline. */
    private long unmapDeadlineNs;
    /** Pids of processes that map fenced heaps but could not be told (the daemon disconnected them). */
    private final List<Integer> untold = new ArrayList<>();

    HostFence(final DaemonConductor conductor)
    {
        this.conductor = conductor;
    }

    boolean isFenced()
    {
        return fenced;
    }

    /** Counts fences: a control-plane result of an operation begun in an earlier epoch is not used. */
    long epoch()
    {
        return epoch;
    }

    /** Why a request that needs a pool heap is refused now. */
    String refusal()
    {
        return "host " + conductor.cluster.hostId() + " is fenced (" + reason + "): no heap of the cluster's pool is created or " +
            "opened until its ZooKeeper session answers again; connect again then";
    }

    /** The control plane fenced this host; its session may expire at {@code sessionMayExpireAtNs}. */
    void onFenced(final String why, final long sessionMayExpireAtNs)
    {
        final long now = System.nanoTime();
        fenced = true;
        epoch++;
        reason = why;
        fencedAtNs = now;
        unmapDeadlineNs = ClusterSettings.unmapDeadlineNs(sessionMayExpireAtNs);
        conductor.counters.hostFences.increment();
        final String message = "host " + conductor.cluster.hostId() + " fenced itself: " + why;
        int ended = 0;
        for (final ConnectionRecord conn : new ArrayList<>(conductor.connections.values()))
        {
            if (!conn.heap.pooled)
            {
                continue;
            }
            conductor.connections.remove(conn.id);
            ended++;
            final ProcessRecord remoteEnd = !conn.client.isLocal() ? conn.client
                : !conn.channel.owner.isLocal() ? conn.channel.owner : null;
            if (remoteEnd != null)
            {
                conductor.remote.peerGone(remoteEnd.host, conn, conn.other(remoteEnd).pid, message);
            }
        }
        for (final ChannelRecord channel : conductor.channels.values())
        {
            channel.sharedHeaps.removeIf(h -> h.pooled);
        }
        final Map<ProcessRecord, List<HeapRecord>> byProcess = new LinkedHashMap<>();
        int heaps = 0;
        for (final HeapRecord heap : conductor.heaps.values())
        {
            if (!heap.pooled)
            {
                continue;
            }
            heap.fenced = true;
            heaps++;
            for (final ProcessRecord p : heap.mappers.keySet())
            {
                if (p.isLocal() && !p.gone)
                {
                    byProcess.computeIfAbsent(p, k -> new ArrayList<>()).add(heap);
                }
            }
        }
        for (final Map.Entry<ProcessRecord, List<HeapRecord>> e : byProcess.entrySet())
        {
            final List<HeapRecord> list = e.getValue();
            for (int from = 0; from < list.size(); from += ADDRESSES_PER_PUSH)
            {
                if (!conductor.proxy.fenced(e.getKey(), conductor.nextId(), message,
                    list.subList(from, Math.min(list.size(), from + ADDRESSES_PER_PUSH))))
                {
                    // Not reading its socket: disconnected, no longer in the heaps' records, and still mapping them.
                    if (e.getKey().pid != Native.pid())
                    {
                        untold.add(e.getKey().pid);
                    }
                    break;
                }
            }
        }
        LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: " + message + "; " + ended + " connection(s) ended, " +
            byProcess.size() + " process(es) told to unmap " + heaps + " pool heap(s) within " +
            Math.max(0, TimeUnit.NANOSECONDS.toMillis(unmapDeadlineNs - now)) + " ms");
    }

    /** The host is back in the cluster: pool heaps may be created and opened again. */
    void onRejoined(final boolean newSession)
    {
        fenced = false;
        if (!newSession)
        {
            // The leases never lapsed: the heaps still mapped are safe until their holders let go.
            unmapDeadlineNs = 0;
            untold.clear();
        }
        LOGGER.log(System.Logger.Level.INFO, "rpcool daemon: host " + conductor.cluster.hostId() + " is back in the cluster " +
            (newSession ? "with a new session" : "with the same session") + " after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fencedAtNs) + " ms fenced; new connections may use the pool again");
    }

    /**
     * At the unmap deadline, kill every local process that still maps a fenced heap.
     *
     * @return processes killed.
     */
    int check(final long nowNs)
    {
        if (unmapDeadlineNs == 0 || nowNs - unmapDeadlineNs < 0)
        {
            return 0;
        }
        unmapDeadlineNs = 0;
        for (final int pid : untold)
        {
            ProcessHandle.of(pid).ifPresent(p ->
            {
                LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: killing process " + pid + ": it mapped fenced heaps and " +
                    "did not read its control socket to be told");
                p.destroyForcibly();
                conductor.counters.fencedProcessesKilled.increment();
            });
        }
        untold.clear();
        final Map<ProcessRecord, List<String>> late = new LinkedHashMap<>();
        for (final HeapRecord heap : conductor.heaps.values())
        {
            if (heap.fenced)
            {
                for (final ProcessRecord p : heap.mappers.keySet())
                {
                    if (p.isLocal() && !p.gone)
                    {
                        late.computeIfAbsent(p, k -> new ArrayList<>()).add(String.format("%d at 0x%x", heap.id, heap.address));
                    }
                }
            }
        }
        if (late.isEmpty())
        {
            LOGGER.log(System.Logger.Level.INFO, "rpcool daemon: every local process unmapped the fenced heaps in time");
            return 0;
        }
        for (final Map.Entry<ProcessRecord, List<String>> e : late.entrySet())
        {
            final ProcessRecord p = e.getKey();
            if (p.pid == Native.pid())
            {
                LOGGER.log(System.Logger.Level.ERROR, "rpcool daemon: this process (the daemon's own, pid " + p.pid +
                    ") still maps a fenced heap whose addresses may be reused soon");
                continue;
            }
            LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: killing process " + p.pid + " (" + p.name + "): it still maps " +
                "fenced heap(s) " + e.getValue() + " when this host's session may expire, after which another host may be given " +
                "their addresses");
            ProcessHandle.of(p.pid).ifPresent(ProcessHandle::destroyForcibly);
            conductor.counters.fencedProcessesKilled.increment();
        }
        return late.size();
    }

    /** For the stat report. */
    String describe()
    {
        return fenced ? "FENCED for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fencedAtNs) + " ms: " + reason : "not fenced";
    }
}
