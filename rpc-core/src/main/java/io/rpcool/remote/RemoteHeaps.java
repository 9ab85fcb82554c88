package io.rpcool.remote;

import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * The {@link RemoteHeapProvider} on the class path, found once with {@link ServiceLoader}, and
 * whether it can run here.
 */
public final class RemoteHeaps
{
    private static final RemoteHeapProvider PROVIDER = load();

    private RemoteHeaps()
    {
    }

    /** The provider, available or not, or null when none is on the class path. */
    public static RemoteHeapProvider provider()
    {
        return PROVIDER;
    }

    /** True if a provider is on the class path and can make heaps in this process. */
    public static boolean isAvailable()
    {
        return PROVIDER != null && PROVIDER.isAvailable();
    }

    /** Why remote heaps cannot be made here, or null if they can. */
    public static String unavailabilityCause()
    {
        if (PROVIDER == null)
        {
            return "no io.rpcool.remote.RemoteHeapProvider on the class path (add the rdma-fallback module)";
        }
        final Throwable cause = PROVIDER.unavailabilityCause();
        return cause == null ? null : PROVIDER.name() + " is unavailable: " + cause.getMessage();
    }

    /** The available provider. */
    public static RemoteHeapProvider ensureAvailable()
    {
        final String cause = unavailabilityCause();
        if (cause != null)
        {
            throw new UnsupportedOperationException(cause);
        }
        return PROVIDER;
    }

    private static RemoteHeapProvider load()
    {
        final Iterator<RemoteHeapProvider> it = ServiceLoader.load(RemoteHeapProvider.class, RemoteHeaps.class.getClassLoader()).iterator();
        return it.hasNext() ? it.next() : null;
    }
}
