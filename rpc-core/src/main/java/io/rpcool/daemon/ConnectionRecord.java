package io.rpcool.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * A connection between a client and a channel's server, with its connection heap and data heaps.
 */
final class ConnectionRecord
{
    final long id;
    final ChannelRecord channel;
    final ProcessRecord client;
    final HeapRecord heap;
    final List<HeapRecord> dataHeaps = new ArrayList<>();
    boolean accepted;
    /** Id of this connection on the daemon of the other host, for a connection across hosts; else 0. */
    long remoteConnId;

    ConnectionRecord(final long id, final ChannelRecord channel, final ProcessRecord client, final HeapRecord heap)
    {
        this.id = id;
        this.channel = channel;
        this.client = client;
        this.heap = heap;
    }

    /** The end that is not {@code end}. */
    ProcessRecord other(final ProcessRecord end)
    {
        return end == client ? channel.owner : client;
    }
}
