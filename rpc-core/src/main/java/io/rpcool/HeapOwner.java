package io.rpcool;

import io.rpcool.daemon.ControlProtocol;

/**
 * Who a data heap belongs to: one connection (private heaps) or one channel (heaps shared by all
 * its connections), by the daemon's id of that connection or channel.
 *
 * @param scope {@link ControlProtocol#SCOPE_CONNECTION} or {@link ControlProtocol#SCOPE_CHANNEL}.
 * @param id    the connection's or channel's id.
 */
record HeapOwner(int scope, long id)
{
    static HeapOwner connection(final long connectionId)
    {
        return new HeapOwner(ControlProtocol.SCOPE_CONNECTION, connectionId);
    }

    static HeapOwner channel(final long channelId)
    {
        return new HeapOwner(ControlProtocol.SCOPE_CHANNEL, channelId);
    }

    @Override
    public String toString()
    {
        return (scope == ControlProtocol.SCOPE_CHANNEL ? "channel " : "connection ") + id;
    }
}
