package io.rpcool;

/**
 * Serves one function of a channel. Runs on a handler thread; reads the request and writes the
 * reply in place. An exception becomes a {@link Status#HANDLER_FAILED} reply; the channel keeps
 * serving.
 */
@FunctionalInterface
public interface RpcHandler
{
    void onCall(ServerCall call) throws Exception;
}
