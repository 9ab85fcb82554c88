package io.rpcool;

/**
 * Completion of an asynchronous call. Runs on the completion thread (shared-memory transport) or a
 * Netty event loop (TCP transport): do not block in it. Reuse one instance across calls to keep the
 * call path free of allocation.
 */
public interface CallCallback
{
    void onReply(ClientCall call);

    void onError(ClientCall call, RpcException error);
}
