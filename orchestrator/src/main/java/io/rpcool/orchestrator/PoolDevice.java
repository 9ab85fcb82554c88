package io.rpcool.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.nativeio.SharedMemory;

/**
 * One host's view of the pool device: a devdax device ({@code /dev/daxX.Y}), the BAR of a
 * shared-memory PCI device ({@code /sys/bus/pci/devices/<dev>/resource2}) or, standing for either,
 * a regular file of fixed size. Every host opens its own view (the path may differ per host); the
 * header in the device's first bytes says which pool the device belongs to, so a host never
 * carves heaps out of a device another pool uses. The header is read and written through a shared
 * mapping, because a PCI BAR's sysfs file can only be mapped, not read.
 *
 * <pre>
 *  device: | header | unused ... | range | range | free | range | ...                   |
 *          0        64           2 MiB (DATA_START)                                  pool bytes
 *
 *  header (little endian):
 *   0 +---------------------------------------------------------------+
 *     | magic "RPCOOLPD"                                              |
 *   8 +-------------------------------+-------------------------------+
 *     | version                       | pool id length (bytes)        |
 *  16 +-------------------------------+-------------------------------+
 *     | pool bytes (how much of the device the pool uses)             |
 *  24 +---------------------------------------------------------------+
 *     | pool id (UTF-8, up to MAX_POOL_ID bytes)                     ...
 *     +---------------------------------------------------------------+
 * </pre>
 */
final class PoolDevice implements AutoCloseable
{
    /** Ranges start and end on 2 MiB boundaries: a devdax device maps only at its alignment. */
    static final long RANGE_ALIGNMENT = 2L * 1024 * 1024;
    /** The first range holds the header. */
    static final long DATA_START = RANGE_ALIGNMENT;
    static final long MAGIC = 0x4450_4c4f_4f43_5052L;   // "RPCOOLPD" little endian
    static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int POOL_ID_LENGTH_OFFSET = 12;
    static final int POOL_BYTES_OFFSET = 16;
    static final int POOL_ID_OFFSET = 24;
    static final int MAX_POOL_ID = 256;
    private static final int HEADER_MAP = 4096;

    final Path path;
    final long deviceBytes;
    private final int fd;

    private PoolDevice(final Path path, final int fd, final long deviceBytes)
    {
        this.path = path;
        this.fd = fd;
        this.deviceBytes = deviceBytes;
    }

    /** Open this host's view of the device. */
    static PoolDevice open(final Path path)
    {
        final long bytes = sizeOf(path);
        if (bytes <= 0)
        {
            throw new IllegalStateException("pool device " + path + " does not exist or has no size");
        }
        return new PoolDevice(path, SharedMemory.openDevice(path.toString()), bytes);
    }

    /**
     * Size of a device: a devdax device's from sysfs, anything else (a BAR's resource file, a
     * regular file) by its file size; -1 if it cannot be found.
     */
    static long sizeOf(final Path path)
    {
        try
        {
            final String name = path.getFileName().toString();
            if (name.matches("dax\\d+\\.\\d+"))
            {
                return Long.parseLong(Files.readString(Path.of("/sys/bus/dax/devices", name, "size")).trim());
            }
            return Files.size(path);
        }
        catch (final IOException | RuntimeException e)
        {
            return -1;
        }
    }

    /** The pool id in the device's header, or null if it carries none. */
    String poolId()
    {
        final long address = SharedMemory.mapShared(fd, HEADER_MAP, 0);
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(address, HEADER_MAP);
            if (header.getLongVolatile(MAGIC_OFFSET) != MAGIC)
            {
                return null;
            }
            if (header.getInt(VERSION_OFFSET) != VERSION)
            {
                throw new IllegalStateException("pool device " + path + " has a header of version " + header.getInt(VERSION_OFFSET) +
                    ", this build reads version " + VERSION);
            }
            final int length = Math.min(MAX_POOL_ID, Math.max(0, header.getInt(POOL_ID_LENGTH_OFFSET)));
            return header.getStringWithoutLengthUtf8(POOL_ID_OFFSET, length);
        }
        finally
        {
            SharedMemory.unmap(address, HEADER_MAP);
        }
    }

    /** Bytes the pool uses according to the header (0 if it carries none). */
    long headerPoolBytes()
    {
        final long address = SharedMemory.mapShared(fd, HEADER_MAP, 0);
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(address, HEADER_MAP);
            return header.getLongVolatile(MAGIC_OFFSET) == MAGIC ? header.getLong(POOL_BYTES_OFFSET) : 0;
        }
        finally
        {
            SharedMemory.unmap(address, HEADER_MAP);
        }
    }

    /** Write the header: the device now belongs to pool {@code poolId}, which uses {@code poolBytes} of it. */
    void format(final String poolId, final long poolBytes)
    {
        final byte[] id = poolId.getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_POOL_ID)
        {
            throw new IllegalArgumentException("pool id longer than " + MAX_POOL_ID + " bytes: " + poolId);
        }
        final long address = SharedMemory.mapShared(fd, HEADER_MAP, 0);
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(address, HEADER_MAP);
            header.putInt(VERSION_OFFSET, VERSION);
            header.putInt(POOL_ID_LENGTH_OFFSET, id.length);
            header.putLong(POOL_BYTES_OFFSET, poolBytes);
            header.putBytes(POOL_ID_OFFSET, id);
            header.putLongOrdered(MAGIC_OFFSET, MAGIC);
        }
        finally
        {
            SharedMemory.unmap(address, HEADER_MAP);
        }
    }

    /** A descriptor of the whole device for a heap's holders, owned by the caller; they map it from the range's start. */
    int rangeDescriptor()
    {
        return SharedMemory.dup(fd);
    }

    /** Zero a range before it is handed out: a reclaimed range still holds its previous heap's bytes. */
    void clear(final long offset, final long length)
    {
        final long address = SharedMemory.mapShared(fd, length, offset);
        try
        {
            int n;
            for (long done = 0; done < length; done += n)
            {
                n = (int)Math.min(1 << 30, length - done);
                new UnsafeBuffer(address + done, n).setMemory(0, n, (byte)0);
            }
        }
        finally
        {
            SharedMemory.unmap(address, length);
        }
    }

    @Override
    public void close()
    {
        SharedMemory.close(fd);
    }

    static String mib(final long bytes)
    {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
    }
}
