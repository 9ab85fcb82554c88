package io.rpcool.seal.kmod;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/**
 * The libc functions the kernel backend calls, bound through jnr-ffi. Structure arguments are
 * raw addresses of direct buffers, so no call allocates wrapper objects.
 */
public interface KmodLibC
{
    @SaveError int open(String path, int flags);

    @SaveError int close(int fd);

    /** glibc's ioctl; every request here takes one pointer argument. */
    @SaveError int ioctl(int fd, long request, long argument);

    /**
     * Declared with a {@link Pointer} address: jnr-ffi 2.2 passes the arguments of an all-primitive
     * six-argument signature wrongly.
     */
    @SaveError Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    @SaveError int munmap(long addr, long length);

    @IgnoreError String strerror(int errno);
}
