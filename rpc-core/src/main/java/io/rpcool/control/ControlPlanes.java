package io.rpcool.control;

import java.util.ServiceLoader;

/**
 * Finds the control plane a daemon is configured to use.
 */
public final class ControlPlanes
{
    private ControlPlanes()
    {
    }

    /**
     * @param spec the daemon's {@code rpcool.orchestrator} setting; null or empty for a single host.
     * @return the control plane, or null for a single host.
     * @throws ControlPlaneException if no provider on the class path understands {@code spec}.
     */
    public static ControlPlane load(final String spec, final ClusterSettings settings)
    {
        if (spec == null || spec.isEmpty() || "none".equals(spec))
        {
            return null;
        }
        for (final ControlPlaneProvider provider : ServiceLoader.load(ControlPlaneProvider.class))
        {
            if (provider.accepts(spec))
            {
                return provider.create(spec, settings);
            }
        }
        throw new ControlPlaneException(ControlPlaneException.FAILED, "rpcool.orchestrator=" + spec +
            ", but no control plane on the class path understands it (the orchestrator module provides " +
            "'embedded[:port]' and 'zk:host:port[,host:port...]')");
    }
}
