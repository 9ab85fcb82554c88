package io.rpcool.dsm;

import java.io.IOException;

import jnr.ffi.LibraryLoader;

import io.rpcool.nativeio.NativeLibraries;

/**
 * Whether the page-ownership DSM works in this JVM, checked once: Linux on x86-64, the native
 * pager library on the class path (built by the module's {@code build.sh}; missing when gcc was),
 * a userfaultfd this process may open (root, CAP_SYS_PTRACE or {@code vm.unprivileged_userfaultfd=1})
 * and the kernel features the pager needs (missing and minor faults on shmem: Linux 5.13+).
 * Shaped like Netty's {@code Epoll}: {@link #isAvailable()}, {@link #ensureAvailability()},
 * {@link #unavailabilityCause()}; {@code -Drpcool.dsm=false} turns it off.
 */
public final class Dsm
{
    /** UFFD_FEATURE_MISSING_SHMEM. */
    public static final long FEATURE_MISSING_SHMEM = 1L << 5;
    /** UFFD_FEATURE_MINOR_SHMEM. */
    public static final long FEATURE_MINOR_SHMEM = 1L << 10;

    private static final String LIBRARY = "/native/linux-x86_64/librpcool_dsm.so";
    private static final DsmLibrary LIB;
    private static final long KERNEL_FEATURES;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static
    {
        DsmLibrary lib = null;
        long features = 0;
        Throwable cause = null;
        try
        {
            if (!io.rpcool.config.Setting.DSM.booleanValue())
            {
                throw new UnsupportedOperationException("turned off (rpcool.dsm=false)");
            }
            final String arch = System.getProperty("os.arch");
            if (!"Linux".equals(System.getProperty("os.name")) || !("amd64".equals(arch) || "x86_64".equals(arch)))
            {
                throw new UnsupportedOperationException("the DSM pager needs x86-64 Linux, this is " +
                    System.getProperty("os.name") + " " + arch);
            }
            lib = load();
            features = lib.kernelFeatures();
            if (features < 0)
            {
                throw new UnsupportedOperationException("userfaultfd is not usable: " + lib.lastError());
            }
            final String missing = missingFeatures(features, lib.requiredFeatures());
            if (!missing.isEmpty())
            {
                throw new UnsupportedOperationException("the kernel's userfaultfd lacks " + missing);
            }
        }
        catch (final Throwable t)
        {
            cause = t;
        }
        LIB = cause == null ? lib : null;
        KERNEL_FEATURES = features;
        UNAVAILABILITY_CAUSE = cause;
    }

    private Dsm()
    {
    }

    public static boolean isAvailable()
    {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why the DSM cannot run here, or null. */
    public static Throwable unavailabilityCause()
    {
        return UNAVAILABILITY_CAUSE;
    }

    public static void ensureAvailability()
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            throw new UnsupportedOperationException("the DSM is unavailable: " + UNAVAILABILITY_CAUSE.getMessage(),
                UNAVAILABILITY_CAUSE);
        }
    }

    /** The userfaultfd features the kernel offered at start-up (UFFDIO_API), 0 if it was not asked. */
    public static long kernelFeatures()
    {
        return KERNEL_FEATURES;
    }

    /**
     * Name the features in {@code required} that {@code offered} lacks.
     *
     * @param offered   what the kernel offers.
     * @param required  what the pager needs.
     * @return e.g. {@code "MINOR_SHMEM (Linux 5.13+)"}, or empty when nothing is missing.
     */
    static String missingFeatures(final long offered, final long required)
    {
        final StringBuilder missing = new StringBuilder();
        if ((required & FEATURE_MISSING_SHMEM) != 0 && (offered & FEATURE_MISSING_SHMEM) == 0)
        {
            missing.append("MISSING_SHMEM (Linux 4.11+)");
        }
        if ((required & FEATURE_MINOR_SHMEM) != 0 && (offered & FEATURE_MINOR_SHMEM) == 0)
        {
            missing.append(missing.length() == 0 ? "" : ", ").append("MINOR_SHMEM (Linux 5.13+)");
        }
        final long other = required & ~offered & ~(FEATURE_MISSING_SHMEM | FEATURE_MINOR_SHMEM);
        if (other != 0)
        {
            missing.append(missing.length() == 0 ? "" : ", ").append("features 0x").append(Long.toHexString(other));
        }
        return missing.toString();
    }

    static DsmLibrary lib()
    {
        ensureAvailability();
        return LIB;
    }

    private static DsmLibrary load() throws IOException
    {
        return LibraryLoader.create(DsmLibrary.class).mapper(DsmLibrary.SYMBOLS).failImmediately()
            .load(NativeLibraries.file(Dsm.class, LIBRARY).toString());
    }
}
