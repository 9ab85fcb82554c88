package io.rpcool.control;

/**
 * The cluster control plane a daemon uses when its host shares a memory pool with other hosts
 * (a CXL device; in tests a tmpfs directory every emulated host sees). It is the extension point
 * the {@code orchestrator} module implements; without one, a daemon keeps everything on its host
 * (addresses from its own window, heaps as memfds, channels visible on this host only).
 *
 * <p>What it decides for the cluster:
 * <ul>
 *   <li>where heap memory comes from: every heap is a file of the pool at an address unique in the
 *   cluster, so pointers into it are valid on every host ({@link #createHeap}, {@link #openHeap});</li>
 *   <li>leases: every mapping of a heap by a process holds a lease, kept alive by this host's
 *   session with the orchestrator; a host that stops renewing loses its leases, and a heap with no
 *   lease left is reclaimed by the orchestrator ({@link #releaseLease}); a host that cannot renew
 *   fences itself before its leases may lapse ({@link Listener#onFenced}, timing in {@link ClusterSettings});</li>
 *   <li>channels by name across hosts ({@link #publishChannel}, {@link #findChannel});</li>
 *   <li>messages between daemons and failure events ({@link #send}, {@link Listener}).</li>
 * </ul>
 * Per-process shared-memory quotas stay with each process's daemon, which counts pool heaps like any
 * other heap: a heap mapped by processes on several hosts counts against each of them.
 *
 * <p>Methods throw {@link ControlPlaneException} with a clear reason when the orchestrator refuses or
 * cannot be reached.
 */
public interface ControlPlane extends AutoCloseable
{
    /** Name of this host in the cluster. */
    String hostId();

    /** Start receiving messages and failure events; called once, before any other use. */
    void start(Listener listener);

    /**
     * A new heap of {@code length} bytes in the pool at a cluster-unique address, with the first lease
     * taken for {@code holderPid} on this host in the same step (the heap is never without a lease).
     */
    PoolHeap createHeap(long length, int holderPid, String purpose);

    /**
     * Take a lease on an existing heap ({@code length} bytes at {@code address}) for {@code holderPid} on this host
     * and open its memory.
     *
     * @throws ControlPlaneException if the heap no longer exists.
     */
    PoolHeap openHeap(long address, long length, int holderPid);

    /** Take a lease for another holder on this host of a heap this host has open (idempotent). */
    void acquireLease(long address, int holderPid);

    /** The holder unmapped the heap (or died): drop its lease. Idempotent. */
    void releaseLease(long address, int holderPid);

    /**
     * Publish a channel opened on this host.
     *
     * @throws ControlPlaneException with {@link ControlPlaneException#CHANNEL_EXISTS} if the name is taken in the cluster.
     */
    void publishChannel(ChannelEntry entry);

    void withdrawChannel(String name);

    /** @return the channel, or null if no host serves it. */
    ChannelEntry findChannel(String name);

    /** Deliver {@code message} to the daemon of {@code hostId}, in order per destination. */
    void send(String hostId, byte[] message);

    /** A human-readable report of the cluster: hosts, heaps, leases and holders. */
    String describe();

    @Override
    void close();

    /** Events a daemon receives from the control plane, on a control-plane thread. */
    interface Listener
    {
        /** A listener that ignores every event (tools and benchmarks that only allocate). */
        Listener IGNORE = new Listener()
        {
            @Override
            public void onMessage(final String fromHost, final byte[] message)
            {
            }

            @Override
            public void onHostFailed(final String hostId)
            {
            }
        };

        /** A daemon on another host sent this host a message. */
        void onMessage(String fromHost, byte[] message);

        /** A host stopped renewing its session: its processes and leases are gone. */
        void onHostFailed(String hostId);

        /**
         * This host fenced itself ({@link ClusterSettings} states when): its session, and with it
         * every lease it holds, may expire at {@code sessionMayExpireAtNs} ({@link System#nanoTime}).
         * Until {@link #onRejoined} the control plane creates, opens and takes no heap; the daemon
         * has every local process stop using the pool heaps it maps.
         *
         * @param reason why, for the processes' errors.
         */
        default void onFenced(final String reason, final long sessionMayExpireAtNs)
        {
        }

        /**
         * This host is back in the cluster after {@link #onFenced}: with the same session (its leases
         * never lapsed), or with a new one, under which it holds its host node and channels again but
         * no lease: the heaps it had fenced are not taken back.
         */
        default void onRejoined(final boolean newSession)
        {
        }
    }
}
