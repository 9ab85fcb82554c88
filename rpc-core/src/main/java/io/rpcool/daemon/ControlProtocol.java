package io.rpcool.daemon;

/**
 * Messages between a process and its daemon over the control socket. Every message is one
 * {@code SOCK_SEQPACKET} packet: a header, then fields in the order listed for its type. A heap's
 * file descriptor travels attached ({@code SCM_RIGHTS}) to the message that announces the heap.
 *
 * <p>A heap is of one of two kinds: {@link #HEAP_KIND_MEMFD} (the memfd comes attached, the token
 * is 0) or the seal kind of the daemon's seal backend when that backend owns heap memory (the
 * kernel module: no descriptor; the token is a one-time grant for the receiving process, redeemed
 * with {@code SealBackend.attach}).
 *
 * <pre>
 *  header:  type (4) | request id (8)         replies carry the id of their request;
 *                                              daemon pushes carry ids of their own
 *
 *  process -> daemon                          daemon -> process
 *  HELLO        name, domain                  OK           daemon pid, idle level, quota, seal backend,
 *                                                          lease timeout ms (0: no process leases),
 *                                                          cluster host id ("" on a single host)
 *  LEASE_RENEW                                OK           lease timeout ms
 *  OPEN_CHANNEL name, domain, host, port,     OK           channel id
 *               per-connection quota (0: a quarter of the server's)
 *  CLOSE_CHANNEL channel id                   OK
 *  CONNECT      name, slots, buffer, domain   CONNECT_HEAP conn id, heap id, address, length,
 *                                                          heap kind, grant token (+fd if memfd)
 *                                             CONNECT_TCP  host, port, domain
 *  CONNECT_READY conn id                      OK           server pid
 *  CONNECT_ABORT conn id, reason              OK
 *  DETACH       heap id                       OK
 *  CLOSE_CONNECTION conn id                   OK
 *  STAT                                       OK           report (text)
 *  ADD_HEAP     scope, owner id, length       HEAP         heap id, address, length (+fd)
 *  HEAP_READY   heap id                       OK           (after every other party mapped it)
 *  MAP_HEAP     heap id                       HEAP         heap id, address, length (+fd)
 *  RESERVE_RANGE length                       OK           address  (a free range of the window, no memory:
 *                                                          the process maps its own there, e.g. a DSM heap;
 *                                                          freed by RELEASE_RANGE or when the process is gone)
 *  RELEASE_RANGE address                      OK
 *                                             ERROR        code, message   (to any request)
 *
 *  daemon -> server (push)                    server -> daemon (reply)
 *  NEW_CONNECTION conn id, channel id, heap id,   ACCEPT  conn id
 *                 address, length, client pid,     REJECT conn id, reason
 *                 heap kind, grant token (+fd if memfd)
 *
 *  NEW_HEAP     scope, owner id, heap id,         ACCEPT  heap id
 *               address, length (+fd)            REJECT  heap id, reason
 *
 *  CONNECT_READY's OK also lists the channel's shared heaps: count, then each heap id.
 *
 *  REATTACH     name, domain,                  OK         HELLO's fields, then per channel:
 *               channels: count, then each          new channel id (0 if refused), reason ("" if not)
 *               (name, domain, host, port, quota),
 *               heaps it maps: count, then each
 *               (address, length)
 *  (instead of HELLO, from a process whose daemon restarted: it keeps serving its channels under
 *  their names, and no new heap is placed over the heaps it still maps)
 *
 *  daemon -> process (push)
 *  PEER_GONE    conn id, pid, reason          the other end died or closed
 *  IDLE_LEVEL   level                         the host's load moved to another waiting mode
 *  FENCED       reason, count,                this host fenced itself (its cluster session may expire):
 *               heap address x count          stop using every heap listed (the pool heaps this process
 *                                             maps), fail the connections over them, unmap them and
 *                                             DETACH each; a process that still maps one when the
 *                                             session may expire is killed. No answer.
 * </pre>
 *
 * <p>{@link #E_FENCED} refuses a request that needs a pool heap while the host is fenced; it clears
 * once the host's session answers again (the same session, or a new one).
 */
public final class ControlProtocol
{
    public static final int HELLO = 1;
    public static final int OPEN_CHANNEL = 2;
    public static final int CLOSE_CHANNEL = 3;
    public static final int CONNECT = 4;
    public static final int CONNECT_READY = 5;
    public static final int CONNECT_ABORT = 6;
    public static final int DETACH = 7;
    public static final int CLOSE_CONNECTION = 8;
    public static final int STAT = 9;
    public static final int ADD_HEAP = 10;
    public static final int HEAP_READY = 11;
    public static final int MAP_HEAP = 12;
    public static final int LEASE_RENEW = 13;
    public static final int REATTACH = 14;
    public static final int RESERVE_RANGE = 15;
    public static final int RELEASE_RANGE = 16;

    public static final int OK = 100;
    public static final int ERROR = 101;
    public static final int CONNECT_HEAP = 102;
    public static final int CONNECT_TCP = 103;
    public static final int HEAP = 104;

    public static final int NEW_CONNECTION = 200;
    public static final int ACCEPT = 201;
    public static final int REJECT = 202;
    public static final int PEER_GONE = 203;
    public static final int IDLE_LEVEL = 204;
    public static final int NEW_HEAP = 205;
    public static final int FENCED = 206;

    /** Scope of a data heap: one connection's, or shared by every connection of a channel. */
    public static final int SCOPE_CONNECTION = 0;
    public static final int SCOPE_CHANNEL = 1;

    /** Error codes carried by {@link #ERROR}. */
    public static final int E_NO_SUCH_CHANNEL = 1;
    public static final int E_CHANNEL_EXISTS = 2;
    public static final int E_QUOTA_EXCEEDED = 3;
    public static final int E_REJECTED = 4;
    public static final int E_PEER_UNAVAILABLE = 5;
    public static final int E_BAD_REQUEST = 6;
    public static final int E_ADDRESS_SPACE_FULL = 7;
    public static final int E_NOT_REGISTERED = 8;
    public static final int E_FENCED = 9;

    /** A heap passed as a memfd. Other heap kinds are seal kinds ({@code RequestQueueDescriptor.SEAL_KIND_*}). */
    public static final int HEAP_KIND_MEMFD = 0;

    public static final String SOCKET_NAME = "daemon.sock";
    public static final String LOCK_NAME = "daemon.lock";

    private ControlProtocol()
    {
    }
}
