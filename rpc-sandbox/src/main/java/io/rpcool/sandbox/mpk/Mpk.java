package io.rpcool.sandbox.mpk;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import org.agrona.UnsafeApi;

import jnr.ffi.LibraryLoader;

import io.rpcool.nativeio.Native;

/**
 * Whether memory protection keys work in this JVM, checked once: the CPU has PKU and the OS
 * enabled it (CPUID), the kernel hands out keys ({@code pkey_alloc}), the native shim loads and
 * its SIGSEGV handler is installed, and a self-test sees both of its paths work (a thread outside
 * a sandbox is granted a key it lacks; a thread inside one has a denied access counted as a
 * violation). Shaped like Netty's {@code Epoll}: {@link #isAvailable()},
 * {@link #ensureAvailability()}, {@link #unavailabilityCause()}; {@code -Drpcool.sandbox.mpk=false}
 * turns it off.
 * <p>
 * On success this process holds up to 15 keys for good: the first is the shared key of all data
 * heaps, the others (at most 14) are sandbox keys.
 */
public final class Mpk
{
    /** Keys RPCool's scheme uses besides key 0: one shared key and 14 sandbox keys. */
    public static final int MAX_KEYS = 15;
    private static final String LIBRARY = "/native/linux-x86_64/librpcool_sandbox.so";

    private static final Throwable UNAVAILABILITY_CAUSE;
    private static final SandboxShim SHIM;
    private static final int SHARED_KEY;
    private static final int[] SANDBOX_KEYS;

    static
    {
        SandboxShim shim = null;
        int shared = -1;
        int[] sandbox = new int[0];
        Throwable cause = null;
        final int[] keys = new int[MAX_KEYS];
        int allocated = 0;
        try
        {
            if (!io.rpcool.config.Setting.SANDBOX_MPK.booleanValue())
            {
                throw new UnsupportedOperationException("turned off (rpcool.sandbox.mpk=false)");
            }
            final String arch = System.getProperty("os.arch");
            if (!"Linux".equals(System.getProperty("os.name")) || !("amd64".equals(arch) || "x86_64".equals(arch)))
            {
                throw new UnsupportedOperationException("protection keys need x86-64 Linux, this is " +
                    System.getProperty("os.name") + " " + arch);
            }
            Native.ensureAvailability();
            shim = loadShim();
            final int features = shim.rpcool_sb_cpu_features();
            if ((features & 1) == 0)
            {
                throw new UnsupportedOperationException("this CPU has no memory protection keys (no pku in CPUID)");
            }
            if ((features & 2) == 0)
            {
                throw new UnsupportedOperationException("the OS has not enabled protection keys (no ospke in CPUID)");
            }
            while (allocated < MAX_KEYS)
            {
                final int key = Pkeys.alloc();
                if (key < 0)
                {
                    if (allocated == 0)
                    {
                        throw Pkeys.failure("pkey_alloc");
                    }
                    break;
                }
                keys[allocated++] = key;
            }
            if (allocated < 2)
            {
                throw new UnsupportedOperationException("the kernel gave only " + allocated + " protection key(s); need 2");
            }
            int mask = 0;
            for (int i = 0; i < allocated; i++)
            {
                mask |= 1 << keys[i];
            }
            final int rc = shim.rpcool_sb_install(mask);
            if (rc != 0)
            {
                throw new UnsupportedOperationException("the SIGSEGV handler could not be installed: error " + (-rc));
            }
            shared = keys[0];
            sandbox = Arrays.copyOfRange(keys, 1, allocated);
            selfTest(shim, shared, sandbox[0]);
        }
        catch (final Throwable t)
        {
            cause = t;
            for (int i = 0; i < allocated; i++)
            {
                Pkeys.free(keys[i]);
            }
            if (shim != null && allocated > 0)
            {
                shim.rpcool_sb_install(0);
            }
            shared = -1;
            sandbox = new int[0];
        }
        UNAVAILABILITY_CAUSE = cause;
        SHIM = cause == null ? shim : null;
        SHARED_KEY = shared;
        SANDBOX_KEYS = sandbox;
    }

    private Mpk()
    {
    }

    public static boolean isAvailable()
    {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why protection keys are not used here, or null. */
    public static Throwable unavailabilityCause()
    {
        return UNAVAILABILITY_CAUSE;
    }

    public static void ensureAvailability()
    {
        if (UNAVAILABILITY_CAUSE != null)
        {
            throw new UnsupportedOperationException("memory protection keys unavailable: " + UNAVAILABILITY_CAUSE,
                UNAVAILABILITY_CAUSE);
        }
    }

    /** The bound shim; throws with the cause when protection keys are unavailable. */
    public static SandboxShim shim()
    {
        ensureAvailability();
        return SHIM;
    }

    /** The key all data heaps carry. */
    public static int sharedKey()
    {
        ensureAvailability();
        return SHARED_KEY;
    }

    /** The keys sandboxes take turns with (at most 14). */
    public static int[] sandboxKeys()
    {
        ensureAvailability();
        return SANDBOX_KEYS.clone();
    }

    private static SandboxShim loadShim() throws IOException
    {
        final URL url = Mpk.class.getResource(LIBRARY);
        if (url == null)
        {
            throw new UnsupportedOperationException(
                "the native shim " + LIBRARY + " is not on the class path (was gcc missing at build time?)");
        }
        final Path path;
        if ("file".equals(url.getProtocol()))
        {
            try
            {
                path = Paths.get(url.toURI());
            }
            catch (final java.net.URISyntaxException e)
            {
                throw new IOException(e);
            }
        }
        else
        {
            path = Files.createTempFile("librpcool_sandbox", ".so");
            try (InputStream in = url.openStream())
            {
                Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
            }
            path.toFile().deleteOnExit();
        }
        return LibraryLoader.create(SandboxShim.class).failImmediately().load(path.toAbsolutePath().toString());
    }

    /** Both handler paths on one page of this process's own memory. */
    private static void selfTest(final SandboxShim shim, final int sharedKey, final int sandboxKey)
    {
        final jnr.ffi.Pointer p = Native.libc().mmap(null, Pkeys.PAGE_SIZE, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0);
        final long page = p == null ? 0 : p.address();
        if (page == 0 || page == Native.MAP_FAILED)
        {
            throw Pkeys.failure("mmap(self-test page)");
        }
        try
        {
            UnsafeApi.putLong(page, 0x5eed);
            Pkeys.protect(page, Pkeys.PAGE_SIZE, sandboxKey);
            shim.rpcool_sb_add_range(page, Pkeys.PAGE_SIZE);
            final long grantsBefore = shim.rpcool_sb_counter(1);
            final int open = shim.rpcool_sb_rdpkru();
            shim.rpcool_sb_wrpkru(open | (3 << (2 * sandboxKey)));
            final long outside = UnsafeApi.getLong(page);
            final int granted = shim.rpcool_sb_rdpkru();
            if (outside != 0x5eed || shim.rpcool_sb_counter(1) != grantsBefore + 1 || (granted & (3 << (2 * sandboxKey))) != 0)
            {
                throw new UnsupportedOperationException(String.format(
                    "self-test: a thread outside a sandbox was not granted the key (read 0x%x, PKRU 0x%x)", outside, granted));
            }
            final int token = shim.rpcool_sb_enter(sharedKey);
            final long inside = UnsafeApi.getLong(page);
            final long faults = shim.rpcool_sb_exit(token);
            if (faults != 1 || shim.rpcool_sb_violation_address() != page || inside != 0x5eed)
            {
                throw new UnsupportedOperationException(String.format(
                    "self-test: a denied access inside a sandbox was not counted (faults %d at 0x%x)",
                    faults, shim.rpcool_sb_violation_address()));
            }
        }
        finally
        {
            shim.rpcool_sb_remove_range(page);
            Native.libc().munmap(page, Pkeys.PAGE_SIZE);
        }
    }
}
