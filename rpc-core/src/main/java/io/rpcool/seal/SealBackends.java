package io.rpcool.seal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The seal backends on the class path ({@link ServiceLoader} of {@link SealBackend}) and the
 * daemon's choice among them.
 *
 * <p>{@code rpcool.seal.backend} (system property) or {@link #select(String)}'s argument:
 * {@code auto} (default) takes the available backend of highest priority that can serve the
 * daemon — the kernel module's when {@code /dev/rpcool} is present and this process may create
 * heaps through it, else {@code mprotect}; a backend name insists on that backend.
 */
public final class SealBackends
{
    public static final String AUTO = "auto";

    private static volatile List<SealBackend> backends;

    private SealBackends()
    {
    }

    /**
     * @return every backend found, highest priority first.
     */
    public static List<SealBackend> all()
    {
        List<SealBackend> list = backends;
        if (list == null)
        {
            final List<SealBackend> found = new ArrayList<>();
            final ServiceLoader<SealBackend> loader = ServiceLoader.load(SealBackend.class, SealBackends.class.getClassLoader());
            final java.util.Iterator<SealBackend> it = loader.iterator();
            while (true)
            {
                try
                {
                    if (!it.hasNext())
                    {
                        break;
                    }
                    found.add(it.next());
                }
                catch (final ServiceConfigurationError | LinkageError e)
                {
                    System.getLogger("io.rpcool").log(System.Logger.Level.WARNING,
                        "rpcool: skipping a seal backend that cannot load: " + e);
                }
            }
            found.sort(Comparator.comparingInt(SealBackend::priority).reversed());
            list = Collections.unmodifiableList(found);
            backends = list;
        }
        return list;
    }

    /**
     * @return the backend of that name, or null.
     */
    public static SealBackend byName(final String name)
    {
        for (final SealBackend b : all())
        {
            if (b.name().equals(name))
            {
                return b;
            }
        }
        return null;
    }

    /**
     * @return the backend writing seals of that kind, or null.
     */
    public static SealBackend byKind(final int kind)
    {
        for (final SealBackend b : all())
        {
            if (b.kind() == kind)
            {
                return b;
            }
        }
        return null;
    }

    /** The configured preference: {@code rpcool.seal.backend}, default {@link #AUTO}. */
    public static String configured()
    {
        return io.rpcool.config.Setting.SEAL_BACKEND.string(AUTO);
    }

    /**
     * The daemon's choice: a backend, its heap source (null when heaps stay memfds), and why
     * backends of higher priority were passed over.
     */
    public static final class Selection
    {
        public final SealBackend backend;
        public final HeapSource heapSource;
        public final String passedOver;

        Selection(final SealBackend backend, final HeapSource heapSource, final String passedOver)
        {
            this.backend = backend;
            this.heapSource = heapSource;
            this.passedOver = passedOver;
        }

        /** One line for reports. */
        public String describe()
        {
            return backend.description() + (heapSource != null ? "; heaps: " + heapSource.describe() : "; heaps: memfd") +
                (passedOver.isEmpty() ? "" : "; not used: " + passedOver);
        }
    }

    /**
     * Pick the daemon's backend.
     *
     * @param preference {@link #AUTO} or a backend name.
     * @throws SealException if a named backend is missing or cannot serve, or none is available.
     */
    public static Selection select(final String preference)
    {
        final StringBuilder passedOver = new StringBuilder();
        for (final SealBackend b : all())
        {
            if (!AUTO.equals(preference) && !b.name().equals(preference))
            {
                continue;
            }
            if (!b.isAvailable())
            {
                final Throwable cause = b.unavailabilityCause();
                note(passedOver, b, cause == null ? "unavailable" : String.valueOf(cause.getMessage()));
                continue;
            }
            try
            {
                return new Selection(b, b.openHeapSource(), passedOver.toString());
            }
            catch (final RuntimeException e)
            {
                note(passedOver, b, e.getMessage());
            }
        }
        throw new SealException(SealException.Reason.UNAVAILABLE, "no seal backend " +
            (AUTO.equals(preference) ? "is available" : "named '" + preference + "' is usable") +
            (passedOver.length() > 0 ? ": " + passedOver : " (found: " + names() + ")"));
    }

    private static void note(final StringBuilder sb, final SealBackend b, final String why)
    {
        if (sb.length() > 0)
        {
            sb.append("; ");
        }
        sb.append(b.name()).append(" (").append(why).append(')');
    }

    private static String names()
    {
        final List<String> names = new ArrayList<>();
        for (final SealBackend b : all())
        {
            names.add(b.name());
        }
        return String.join(", ", names);
    }
}
