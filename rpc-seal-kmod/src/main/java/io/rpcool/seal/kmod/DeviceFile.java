package io.rpcool.seal.kmod;

import static io.rpcool.seal.kmod.KernelUapi.*;
import static io.rpcool.seal.kmod.RpcoolModule.*;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.seal.SealException;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * An open file on {@code /dev/rpcool}: the ioctls, each with its argument structure in a direct
 * buffer, and mmap of heaps and rings. errno values are mapped to {@link SealException} reasons in
 * {@link #failure}, the one place that does it.
 */
final class DeviceFile implements AutoCloseable
{
    final KmodLibC libc;
    final Runtime runtime;
    final int fd;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private volatile boolean closed;

    private DeviceFile(final KmodLibC libc, final Runtime runtime, final int fd)
    {
        this.libc = libc;
        this.runtime = runtime;
        this.fd = fd;
    }

    static DeviceFile open(final KmodLibC libc, final Runtime runtime)
    {
        final int fd = libc.open(DEVICE_PATH, O_RDWR | O_CLOEXEC);
        if (fd < 0)
        {
            final int errno = runtime.getLastError();
            throw new UnsupportedOperationException("cannot open " + DEVICE_PATH + ": " + libc.strerror(errno));
        }
        return new DeviceFile(libc, runtime, fd);
    }

    /** What {@code RPCOOL_IOC_INFO} reports. */
    public static final class Info
    {
        public final int version;
        public final boolean daemon;
        public final int pageSize;
        public final int descSize;
        public final long heaps;
        public final long grants;
        public final long attachments;
        public final long seals;
        public final long mappings;
        public final long files;

        Info(final UnsafeBuffer b)
        {
            version = b.getInt(INFO_VERSION);
            daemon = (b.getInt(INFO_FLAGS) & INFO_DAEMON) != 0;
            pageSize = b.getInt(INFO_PAGE_SIZE);
            descSize = b.getInt(INFO_DESC_SIZE);
            heaps = b.getLong(INFO_HEAPS);
            grants = b.getLong(INFO_GRANTS);
            attachments = b.getLong(INFO_ATTACHMENTS);
            seals = b.getLong(INFO_SEALS);
            mappings = b.getLong(INFO_MAPPINGS);
            files = b.getLong(INFO_FILES);
        }

        @Override
        public String toString()
        {
            return String.format("interface %d.%d, heaps %d, pending grants %d, attachments %d, seals %d, mappings %d, files %d",
                version >>> 16, version & 0xFFFF, heaps, grants, attachments, seals, mappings, files);
        }
    }

    synchronized Info info()
    {
        scratch.setMemory(0, INFO_SIZE, (byte)0);
        check(ioctl(IOC_INFO, scratch.addressOffset()), "RPCOOL_IOC_INFO");
        return new Info(scratch);
    }

    /** @return the module's id of the new heap. */
    synchronized long createHeap(final long size, final int ringSlots)
    {
        scratch.setMemory(0, HEAP_CREATE_SIZE, (byte)0);
        scratch.putLong(HEAP_CREATE_SIZE_FIELD, size);
        scratch.putInt(HEAP_CREATE_RING_SLOTS, ringSlots);
        check(ioctl(IOC_HEAP_CREATE, scratch.addressOffset()), "RPCOOL_IOC_HEAP_CREATE(" + size + " bytes, " + ringSlots + " slots)");
        return scratch.getLong(HEAP_CREATE_HEAP_ID);
    }

    synchronized void destroyHeap(final long heapId)
    {
        scratch.putLong(0, heapId);
        check(ioctl(IOC_HEAP_DESTROY, scratch.addressOffset()), "RPCOOL_IOC_HEAP_DESTROY(" + heapId + ")");
    }

    /** @return the one-time token. */
    synchronized long grant(final long heapId, final int pid, final int rights)
    {
        scratch.setMemory(0, GRANT_SIZE, (byte)0);
        scratch.putLong(GRANT_HEAP_ID, heapId);
        scratch.putInt(GRANT_PID, pid);
        scratch.putInt(GRANT_RIGHTS, rights);
        check(ioctl(IOC_GRANT, scratch.addressOffset()), "RPCOOL_IOC_GRANT(heap " + heapId + ", pid " + pid + ")");
        return scratch.getLong(GRANT_TOKEN);
    }

    /** Redeem {@code token}; the reply lands in {@code reply} (64 bytes, {@code struct rpcool_attach}). */
    synchronized void attach(final long token, final UnsafeBuffer reply)
    {
        reply.setMemory(0, ATTACH_SIZE, (byte)0);
        reply.putLong(ATTACH_TOKEN, token);
        check(ioctl(IOC_ATTACH, reply.addressOffset()), "RPCOOL_IOC_ATTACH");
    }

    synchronized void detach(final int handle)
    {
        scratch.putInt(0, handle);
        check(ioctl(IOC_DETACH, scratch.addressOffset()), "RPCOOL_IOC_DETACH(" + handle + ")");
    }

    /**
     * Map {@code length} bytes at mmap offset {@code offset}: at exactly {@code address} with
     * {@code MAP_FIXED_NOREPLACE}, or wherever the kernel likes when {@code address} is 0.
     *
     * @return the address mapped, or the negated errno.
     */
    long map(final long address, final long length, final int prot, final long offset)
    {
        final Pointer hint = address == 0 ? null : Pointer.wrap(runtime, address);
        final Pointer mapped = libc.mmap(hint, length, prot, MAP_SHARED | (address == 0 ? 0 : MAP_FIXED_NOREPLACE), fd, offset);
        final long result = mapped == null ? 0 : mapped.address();
        if (result == -1L)
        {
            return -runtime.getLastError();
        }
        if (address != 0 && result != address)
        {
            // A kernel that ignores MAP_FIXED_NOREPLACE treats the address as a hint.
            libc.munmap(result, length);
            return -EEXIST;
        }
        return result;
    }

    void unmap(final long address, final long length)
    {
        libc.munmap(address, length);
    }

    /** @return 0, or the errno of the failed ioctl. */
    int ioctl(final long request, final long argument)
    {
        if (libc.ioctl(fd, request, argument) < 0)
        {
            final int errno = runtime.getLastError();
            return errno == 0 ? EINVAL : errno;
        }
        return 0;
    }

    void check(final int errno, final String what)
    {
        if (errno != 0)
        {
            throw failure(errno, what);
        }
    }

    String strerror(final int errno)
    {
        final String s = libc.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    /** The one mapping of errno values to seal failures. */
    SealException failure(final int errno, final String what)
    {
        final SealException.Reason reason;
        switch (errno)
        {
            case EBUSY: reason = SealException.Reason.NOT_COMPLETE; break;
            case ENOENT: reason = SealException.Reason.UNKNOWN_SEAL; break;
            case EEXIST: reason = SealException.Reason.OVERLAPS; break;
            case ENOSPC: reason = SealException.Reason.NO_SPACE; break;
            case EPERM, EACCES: reason = SealException.Reason.NOT_PERMITTED; break;
            default: reason = SealException.Reason.FAILED;
        }
        return new SealException(reason, what + " failed: " + strerror(errno) + " (errno " + errno + ")");
    }

    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            libc.close(fd);
        }
    }
}
