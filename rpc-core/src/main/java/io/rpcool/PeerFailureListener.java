package io.rpcool;

/**
 * Told when the other end of a connection fails: the process died, stopped renewing its lease, or
 * its whole host did. Registered on a {@link Connection} (the channel's server failed) or on a
 * {@link Channel} (one of its clients failed). Runs on a control thread of the library: it should
 * not block for long.
 *
 * <p>After the failure a client connection refuses new calls with {@code PEER_GONE} and fails the
 * calls in flight; its heap stays mapped, and readable, until the connection is closed.
 */
@FunctionalInterface
public interface PeerFailureListener
{
    /**
     * @param channelName the channel of the connection.
     * @param message     what failed and why, e.g. "server of /x failed: process 42 exited".
     */
    void onPeerFailure(String channelName, String message);
}
