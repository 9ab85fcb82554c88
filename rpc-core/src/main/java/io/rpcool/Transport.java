package io.rpcool;

/**
 * How a connection carries calls.
 */
public enum Transport
{
    /** Both processes map the connection's heap; arguments and replies are read in place. */
    SHARED_MEMORY,
    /** The processes share no memory; requests and replies are copied over TCP. */
    TCP,
    /**
     * The processes share no memory; calls travel as TCP frames as with {@link #TCP}, and the
     * connection's heap is a distributed shared memory (rdma-fallback's page-ownership DSM) mapped at
     * the same address on both sides, so pointer-rich arguments work as over shared memory.
     */
    DSM
}
