package io.rpcool.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

import io.rpcool.mem.MemoryRegion;

/**
 * Chooses the {@link SandboxProvider} of this process and tells it which data heaps exist.
 * <p>
 * Providers are found with {@link ServiceLoader}; the available one with the highest priority
 * wins, the built-in {@link BoundedViewSandboxProvider} when there is none. The property
 * {@code rpcool.sandbox.provider} pins one by name ({@code bounded} turns the hardware layer off).
 * The choice is made on first use. The provider is started (and a hardware provider protects the
 * data heaps) when the first sandbox is entered, which is logged once on standard error with the
 * layers in force; a process that never sandboxes pays nothing.
 */
public final class Sandboxes
{
    private static final Map<Long, MemoryRegion> DATA_HEAPS = new ConcurrentHashMap<>();
    private static volatile SandboxProvider provider;
    private static volatile boolean started;

    private Sandboxes()
    {
    }

    /** The provider sandboxes of this process use (chosen on first call). */
    public static SandboxProvider provider()
    {
        SandboxProvider p = provider;
        if (p == null)
        {
            synchronized (Sandboxes.class)
            {
                p = provider;
                if (p == null)
                {
                    p = choose();
                    provider = p;
                }
            }
        }
        return p;
    }

    /** The started provider, for entering a sandbox. */
    static SandboxProvider startedProvider()
    {
        final SandboxProvider p = provider();
        if (!started)
        {
            synchronized (Sandboxes.class)
            {
                if (!started)
                {
                    p.start(new ArrayList<>(DATA_HEAPS.values()));
                    started = true;
                    System.getLogger("io.rpcool").log(System.Logger.Level.INFO, "rpcool: sandboxes: " + p.describe());
                }
            }
        }
        return p;
    }

    /** One line for {@code rpcool stat}: which layers protect sandboxes here, and why the hardware one is off. */
    public static String status()
    {
        return "sandbox: " + provider().describe();
    }

    /** True if sandboxes here are protected by hardware as well as by bounded views. */
    public static boolean hardwareProtection()
    {
        return provider().hardwareProtection();
    }

    /** Every provider {@link ServiceLoader} finds, available or not (for diagnostics). */
    public static List<SandboxProvider> discover()
    {
        final List<SandboxProvider> found = new ArrayList<>();
        for (final SandboxProvider p : ServiceLoader.load(SandboxProvider.class, Sandboxes.class.getClassLoader()))
        {
            found.add(p);
        }
        return found;
    }

    private static SandboxProvider choose()
    {
        final String pinned = io.rpcool.config.Setting.SANDBOX_PROVIDER.string();
        final BoundedViewSandboxProvider bounded = new BoundedViewSandboxProvider();
        if (bounded.name().equals(pinned))
        {
            bounded.hardwareCause("turned off (rpcool.sandbox.provider=bounded)");
            return bounded;
        }
        SandboxProvider best = null;
        final StringBuilder causes = new StringBuilder();
        try
        {
            for (final SandboxProvider p : discover())
            {
                if (!pinned.isEmpty() && !pinned.equals(p.name()))
                {
                    continue;
                }
                if (p.isAvailable())
                {
                    if (best == null || p.priority() > best.priority())
                    {
                        best = p;
                    }
                }
                else
                {
                    final Throwable cause = p.unavailabilityCause();
                    causes.append(causes.length() == 0 ? "" : "; ").append(p.name()).append(": ")
                        .append(cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage());
                }
            }
        }
        catch (final java.util.ServiceConfigurationError | RuntimeException | LinkageError e)
        {
            causes.append(causes.length() == 0 ? "" : "; ").append("provider failed to load: ").append(e);
        }
        if (best != null)
        {
            return best;
        }
        if (causes.length() > 0)
        {
            bounded.hardwareCause(causes.toString());
        }
        else if (!pinned.isEmpty())
        {
            bounded.hardwareCause("no provider named '" + pinned + "' on the class path");
        }
        return bounded;
    }

    /** A data heap of some connection or channel was mapped by this process. */
    public static void onDataHeapAdded(final MemoryRegion heap)
    {
        synchronized (Sandboxes.class)
        {
            if (DATA_HEAPS.putIfAbsent(heap.base(), heap) == null && started)
            {
                provider.onDataHeapAdded(heap);
            }
        }
    }

    /** {@code [address, address + length)} is about to be unmapped. */
    public static void onUnmapping(final long address, final long length)
    {
        synchronized (Sandboxes.class)
        {
            DATA_HEAPS.values().removeIf(r -> r.base() >= address && r.end() <= address + length);
            if (started)
            {
                provider.onUnmapping(address, length);
            }
        }
    }

    /** The data heaps this process maps now. */
    public static List<MemoryRegion> dataHeaps()
    {
        return new ArrayList<>(DATA_HEAPS.values());
    }
}
