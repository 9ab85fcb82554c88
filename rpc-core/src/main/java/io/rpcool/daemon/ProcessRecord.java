package io.rpcool.daemon;

import java.util.HashSet;
import java.util.Set;

import io.rpcool.nativeio.SeqPacketSocket;

/**
 * A process the daemon serves (or, for a connection across hosts, a process of another host).
 * Owned by the {@link DaemonConductor}: only its thread reads or writes a record.
 */
final class ProcessRecord
{
    final long id;
    final int pid;
    final int uid;
    /** The process's control socket; null for a process of another host. */
    final SeqPacketSocket socket;
    String name = "?";
    String domain = "?";
    boolean registered;
    long quotaUsed;
    /** Host of a process on another host; null for a process of this host. */
    String host;
    boolean leased;
    long lastRenewNs = System.nanoTime();
    /** Gone: its socket closed, its lease expired or the daemon disconnected it. */
    boolean gone;
    boolean expired;
    /** Address ranges of heaps an earlier daemon handed out that this process reported mapping (REATTACH). */
    final java.util.List<Long> reservedRanges = new java.util.ArrayList<>();
    /** Heaps of closed connections this process still maps; it unmaps them once told the peer is gone. */
    final Set<HeapRecord> releasing = new HashSet<>();

    ProcessRecord(final long id, final int pid, final int uid, final SeqPacketSocket socket)
    {
        this.id = id;
        this.pid = pid;
        this.uid = uid;
        this.socket = socket;
    }

    boolean isLocal()
    {
        return host == null;
    }

    String label()
    {
        return host == null ? "pid " + pid : host + "/" + pid;
    }
}
