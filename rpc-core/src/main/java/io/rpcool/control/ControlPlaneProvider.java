package io.rpcool.control;

/**
 * Creates control planes; found with {@link java.util.ServiceLoader}. A daemon configured with
 * {@code rpcool.orchestrator=<spec>} asks every provider on the class path in turn.
 */
public interface ControlPlaneProvider
{
    /** True if this provider understands {@code spec} (for example {@code zk:host:port} or {@code embedded}). */
    boolean accepts(String spec);

    /**
     * @param spec     what {@code rpcool.orchestrator} says.
     * @param settings the daemon's cluster settings.
     */
    ControlPlane create(String spec, ClusterSettings settings);
}
