package io.rpcool.seal.kmod;

import static io.rpcool.seal.kmod.KernelUapi.*;

import java.nio.file.Files;
import java.nio.file.Path;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Is the rpcool kernel module usable from this process? Shaped like Netty's {@code Epoll}:
 * {@link #isAvailable()}, {@link #ensureAvailability()}, {@link #unavailabilityCause()}, checked
 * once. Available means: Linux, {@code /dev/rpcool} exists and opens read-write, and
 * {@code RPCOOL_IOC_INFO} reports interface major version {@value KernelUapi#VERSION_MAJOR},
 * 4096-byte pages and 64-byte seal descriptors. {@code -Drpcool.seal.kernel.disable=true} turns
 * the backend off.
 *
 * <p>The process keeps the file it probed with open: every heap this process attaches is an
 * attachment handle of that one file.
 */
public final class RpcoolModule
{
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_FIXED_NOREPLACE = 0x100000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;

    private static final KmodLibC LIBC;
    private static final Runtime RUNTIME;
    private static final DeviceFile FILE;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static
    {
        KmodLibC libc = null;
        Runtime runtime = null;
        DeviceFile file = null;
        Throwable cause = null;
        try
        {
            if (io.rpcool.config.Setting.SEAL_KERNEL_DISABLE.booleanValue())
            {
                throw new UnsupportedOperationException("disabled by -Drpcool.seal.kernel.disable=true");
            }
            if (!"Linux".equals(System.getProperty("os.name")))
            {
                throw new UnsupportedOperationException("the rpcool kernel module is Linux only");
            }
            if (!Files.exists(Path.of(DEVICE_PATH)))
            {
                throw new UnsupportedOperationException(DEVICE_PATH + " does not exist (the rpcool module is not loaded)");
            }
            libc = LibraryLoader.create(KmodLibC.class).load("c");
            runtime = Runtime.getRuntime(libc);
            file = DeviceFile.open(libc, runtime);
            final DeviceFile.Info info = file.info();
            if (info.version >>> 16 != VERSION_MAJOR)
            {
                file.close();
                throw new UnsupportedOperationException(String.format(
                    "%s speaks interface %d.%d, this backend speaks %d.x", DEVICE_PATH, info.version >>> 16, info.version & 0xFFFF,
                    VERSION_MAJOR));
            }
            if (info.pageSize != 4096 || info.descSize != DESC_SIZE)
            {
                file.close();
                throw new UnsupportedOperationException(String.format(
                    "%s reports %d-byte pages and %d-byte descriptors; this backend needs 4096 and %d",
                    DEVICE_PATH, info.pageSize, info.descSize, DESC_SIZE));
            }
        }
        catch (final Throwable t)
        {
            cause = t;
            file = null;
        }
        LIBC = libc;
        RUNTIME = runtime;
        FILE = file;
        UNAVAILABILITY_CAUSE = cause;
    }

    private RpcoolModule()
    {
    }

    public static boolean isAvailable()
    {
        return UNAVAILABILITY_CAUSE == null;
    }

    public static Throwable unavailabilityCause()
    {
        return UNAVAILABILITY_CAUSE;
    }

    public static void ensureAvailability()
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            throw new UnsupportedOperationException("rpcool kernel module unavailable: " + UNAVAILABILITY_CAUSE.getMessage(),
                UNAVAILABILITY_CAUSE);
        }
    }

    /** This process's open {@code /dev/rpcool}. */
    static DeviceFile processFile()
    {
        ensureAvailability();
        return FILE;
    }

    /** A new file on {@code /dev/rpcool} (the daemon's, whose heaps live as long as it stays open). */
    static DeviceFile openFile()
    {
        ensureAvailability();
        return DeviceFile.open(LIBC, RUNTIME);
    }

    /** Interface version, page size and the module's live object counts, as seen by this process's file. */
    public static DeviceFile.Info info()
    {
        return processFile().info();
    }
}
