package io.rpcool;

/**
 * How a connection carries calls.
 */
public enum Transport
{
    /** Both processes map the connection's heap; arguments and replies are read in place. */
    SHARED_MEMORY,
    /** The processes share no memory; requests and replies are copied over TCP. */
    TCP
}
