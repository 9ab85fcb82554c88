package io.rpcool.nativeio;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/**
 * The libc functions rpc-core calls, bound once through jnr-ffi. Pointer arguments are passed as
 * raw addresses ({@code long}) of memory the caller owns (Agrona buffers), so no call allocates
 * jnr-ffi wrapper objects.
 */
public interface LibC
{
    @SaveError int memfd_create(String name, int flags);

    @SaveError int open(String path, int flags, int mode);

    @SaveError int ftruncate(int fd, long length);

    @SaveError int fcntl(int fd, int cmd, int arg);

    /**
     * Declared with a {@link Pointer} address: jnr-ffi 2.2 passes the arguments of an all-primitive
     * six-argument signature wrongly (the kernel sees EINVAL).
     */
    @SaveError Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    @SaveError int munmap(long addr, long length);

    @SaveError int mprotect(long addr, long length, int prot);

    @SaveError int close(int fd);

    @IgnoreError int getpid();

    @IgnoreError int getuid();

    @IgnoreError int getgid();

    @SaveError int kill(int pid, int sig);

    @SaveError int socket(int domain, int type, int protocol);

    @SaveError int bind(int fd, long addr, int addrLength);

    @SaveError int listen(int fd, int backlog);

    @SaveError int accept4(int fd, long addr, long addrLength, int flags);

    @SaveError int connect(int fd, long addr, int addrLength);

    @SaveError long sendmsg(int fd, long msghdr, int flags);

    @SaveError long recvmsg(int fd, long msghdr, int flags);

    @SaveError int shutdown(int fd, int how);

    @SaveError int getsockopt(int fd, int level, int name, long value, long valueLength);

    @SaveError int poll(long fds, long nfds, int timeoutMs);

    @SaveError long syscall(long number, long arg1, long arg2);

    /** A four-argument {@code syscall(2)}, for {@code futex(2)} ({@link Futex}). */
    @SaveError long syscall(long number, long arg1, long arg2, long arg3, long arg4);

    @SaveError int eventfd(int initialValue, int flags);

    @SaveError long read(int fd, long buffer, long count);

    @SaveError long write(int fd, long buffer, long count);

    @SaveError int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    @IgnoreError String strerror(int errno);
}
