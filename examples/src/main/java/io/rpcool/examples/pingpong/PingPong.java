package io.rpcool.examples.pingpong;

/**
 * The paper's Figure 4.2 ping-pong: the server writes "Hello!" into the reply buffer of the
 * connection's shared heap, the client reads it there.
 */
public final class PingPong
{
    public static final String CHANNEL = "/demo/echo";
    /** Replies "Hello!". */
    public static final int HELLO = 1;
    /** Replies nothing: the no-op call. */
    public static final int NOOP = 2;
    /**
     * The paper's Figure 4.8: the reply is a pointer to a string the server allocated in the
     * connection's shared heap; both sides print its address and text.
     */
    public static final int SHARED_STRING = 3;

    private PingPong()
    {
    }
}
