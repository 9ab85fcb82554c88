package io.rpcool.bench.fork;

/**
 * One connection to a server, used by one thread at a time.
 * <p>
 * For the {@code noop} suite, {@link #call(long)} sends an 8-byte request and returns the server's
 * 8-byte reply, which must equal the request (systems without a payload, such as gRPC with
 * {@code Empty}, return the request unchanged). Requests on one connection are consecutive
 * positive values starting at 1, so a shared-memory implementation may use them as sequence numbers.
 * Implementations should not allocate or log in {@code call}.
 */
public interface RpcClient
{
    /**
     * Make one round trip; exactly one call is outstanding per connection.
     *
     * @param request  request value.
     * @return the reply value.
     * @throws Exception if the transport fails.
     */
    long call(long request) throws Exception;

    /**
     * Disconnect; called once, after the last call.
     *
     * @throws Exception if the transport fails to close.
     */
    void close() throws Exception;
}
