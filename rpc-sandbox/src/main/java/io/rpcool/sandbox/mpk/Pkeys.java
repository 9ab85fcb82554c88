package io.rpcool.sandbox.mpk;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

import io.rpcool.nativeio.Errno;
import io.rpcool.nativeio.NativeException;

/**
 * Linux protection-key system calls, made through libc's {@code syscall} with x86-64 numbers (so
 * they work whether or not the C library wraps them).
 */
public final class Pkeys
{
    public static final long SYS_PKEY_MPROTECT = 329;
    public static final long SYS_PKEY_ALLOC = 330;
    public static final long SYS_PKEY_FREE = 331;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PAGE_SIZE = 4096;

    /** libc's {@code syscall}, with as many arguments as these calls take. */
    public interface Syscall
    {
        @SaveError long syscall(long number, long arg1, long arg2, long arg3, long arg4);
    }

    private static final Syscall LIBC = LibraryLoader.create(Syscall.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Pkeys()
    {
    }

    /**
     * @return a new key, or -1 with {@link #errno()} set (ENOSPC once all are taken, ENOSYS or
     * EINVAL where the kernel or CPU lacks protection keys).
     */
    public static int alloc()
    {
        return (int)LIBC.syscall(SYS_PKEY_ALLOC, 0, 0, 0, 0);
    }

    public static void free(final int key)
    {
        LIBC.syscall(SYS_PKEY_FREE, key, 0, 0, 0);
    }

    /**
     * Give the pages of {@code [address, address + length)} key {@code key}, read-write (read-only
     * if the mapping refuses write permission, as a sealed range does).
     */
    public static void protect(final long address, final long length, final int key)
    {
        if (LIBC.syscall(SYS_PKEY_MPROTECT, address, length, PROT_READ | PROT_WRITE, key) == 0)
        {
            return;
        }
        final int errno = errno();
        if (errno == Errno.EACCES && LIBC.syscall(SYS_PKEY_MPROTECT, address, length, PROT_READ, key) == 0)
        {
            return;
        }
        throw Errno.exception(String.format("pkey_mprotect(0x%x, %d, key %d)", address, length, key), errno);
    }

    public static int errno()
    {
        return RUNTIME.getLastError();
    }

    static NativeException failure(final String call)
    {
        return Errno.exception(call, errno());
    }
}
