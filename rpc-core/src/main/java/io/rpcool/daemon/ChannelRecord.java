package io.rpcool.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel, served by a process of this host or (as the control plane reported it) of another.
 */
final class ChannelRecord
{
    final long id;
    final String name;
    final ProcessRecord owner;
    final String domain;
    final String host;
    final int port;
    final List<HeapRecord> sharedHeaps = new ArrayList<>();
    /** Data heap bytes one connection of the channel may add. */
    long connectionQuotaBytes = Long.MAX_VALUE;

    ChannelRecord(final long id, final String name, final ProcessRecord owner, final String domain, final String host, final int port)
    {
        this.id = id;
        this.name = name;
        this.owner = owner;
        this.domain = domain;
        this.host = host;
        this.port = port;
    }
}
