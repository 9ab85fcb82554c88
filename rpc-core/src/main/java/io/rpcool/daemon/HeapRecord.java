package io.rpcool.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A heap the daemon handed out: its address, memory (a memfd, a heap of the seal backend's source,
 * or a file of the cluster's pool) and the processes that map it, with their number of uses.
 */
final class HeapRecord
{
    final long id;
    final long address;
    final long length;
    final int fd;
    final int kind;
    /** Id of the heap in the seal backend's heap source, 0 for a memfd. */
    final long sourceId;
    /** Processes mapping the heap, with their number of uses (client end, server end). */
    final Map<ProcessRecord, int[]> mappers = new LinkedHashMap<>();
    /** {@link ControlProtocol#SCOPE_CONNECTION} or {@code SCOPE_CHANNEL} for a data heap; -1 for a connection heap. */
    int scope = -1;
    long ownerId;
    ProcessRecord creator;
    /** A file of the cluster's pool: its address and memory belong to the orchestrator. */
    boolean pooled;
    /** Process whose lease the control plane took when this host created or opened the heap; 0 if none. */
    int initialLeasePid;
    /** Where the heap starts in its descriptor's file: the start of its range for a pool device, else 0. */
    long fileOffset;
    /** A pool heap of a fence ({@link HostFence}): mapped by nobody new, unmapped by its mappers, never taken back. */
    boolean fenced;

    HeapRecord(final long id, final long address, final long length, final int fd, final int kind, final long sourceId)
    {
        this.id = id;
        this.address = address;
        this.length = length;
        this.fd = fd;
        this.kind = kind;
        this.sourceId = sourceId;
    }

    String describeOwner()
    {
        return scope == ControlProtocol.SCOPE_CHANNEL ? "channel " + ownerId + " data" :
            scope == ControlProtocol.SCOPE_CONNECTION ? "connection " + ownerId + " data" : "connection queues";
    }
}
