package io.rpcool.control;

/**
 * A channel as the cluster knows it: the host and process that serve it, its id on that host's
 * daemon, its memory domain, and the address of its TCP fallback for clients in other domains.
 */
public record ChannelEntry(String name, String hostId, long channelId, int serverPid, String domain, String tcpHost, int tcpPort)
{
}
