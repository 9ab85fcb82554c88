package io.rpcool.seal.kmod;

/**
 * The user-space interface of {@code /dev/rpcool} ({@code kmod/rpcool_uapi.h}) mirrored field by
 * field: ioctl numbers, structure sizes and byte offsets, rights, states and the mmap offset
 * encoding. Every structure is made of naturally aligned 32- and 64-bit little-endian fields, so
 * the offsets below are the C layout on x86-64. The tests pin each number against the value the C
 * suite asserts; a header change that moves anything breaks them.
 */
final class KernelUapi
{
    static final String DEVICE_PATH = "/dev/rpcool";

    static final int VERSION_MAJOR = 1;
    static final int DESC_SIZE = 64;
    static final int RING_HEADER_SIZE = 64;
    static final int RING_MAGIC = 0x4c4f4f43;
    static final int BATCH_MAX = 4096;
    static final int RING_MAX_SLOTS = 65536;

    static final int RIGHT_WRITE = 1;
    static final int RIGHT_SEAL = 2;
    static final int RIGHT_COMPLETE = 4;

    static final int INFO_DAEMON = 1;

    // ---- ioctl numbers: _IOC(dir, 0xC7, nr, size) = dir << 30 | size << 16 | 0xC7 << 8 | nr ----
    static final int IOC_MAGIC = 0xC7;
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    static final int INFO_SIZE = 64;
    static final int HEAP_CREATE_SIZE = 24;
    static final int GRANT_SIZE = 24;
    static final int ATTACH_SIZE = 64;
    static final int SEAL_SIZE = 32;
    static final int SEAL_REF_SIZE = 16;
    static final int BATCH_RELEASE_SIZE = 24;

    static final long IOC_INFO = ioc(IOC_READ, 0x00, INFO_SIZE);
    static final long IOC_HEAP_CREATE = ioc(IOC_READ | IOC_WRITE, 0x01, HEAP_CREATE_SIZE);
    static final long IOC_HEAP_DESTROY = ioc(IOC_WRITE, 0x02, 8);
    static final long IOC_GRANT = ioc(IOC_READ | IOC_WRITE, 0x03, GRANT_SIZE);
    static final long IOC_ATTACH = ioc(IOC_READ | IOC_WRITE, 0x04, ATTACH_SIZE);
    static final long IOC_DETACH = ioc(IOC_WRITE, 0x05, 4);
    static final long IOC_SEAL = ioc(IOC_READ | IOC_WRITE, 0x06, SEAL_SIZE);
    static final long IOC_COMPLETE = ioc(IOC_WRITE, 0x07, SEAL_REF_SIZE);
    static final long IOC_RELEASE = ioc(IOC_WRITE, 0x08, SEAL_REF_SIZE);
    static final long IOC_BATCH_RELEASE = ioc(IOC_READ | IOC_WRITE, 0x09, BATCH_RELEASE_SIZE);

    // ---- struct rpcool_info (64) ----
    static final int INFO_VERSION = 0;
    static final int INFO_FLAGS = 4;
    static final int INFO_PAGE_SIZE = 8;
    static final int INFO_DESC_SIZE = 12;
    static final int INFO_HEAPS = 16;
    static final int INFO_GRANTS = 24;
    static final int INFO_ATTACHMENTS = 32;
    static final int INFO_SEALS = 40;
    static final int INFO_MAPPINGS = 48;
    static final int INFO_FILES = 56;

    // ---- struct rpcool_heap_create (24) ----
    static final int HEAP_CREATE_SIZE_FIELD = 0;
    static final int HEAP_CREATE_RING_SLOTS = 8;
    static final int HEAP_CREATE_FLAGS = 12;
    static final int HEAP_CREATE_HEAP_ID = 16;

    // ---- struct rpcool_grant (24) ----
    static final int GRANT_HEAP_ID = 0;
    static final int GRANT_PID = 8;
    static final int GRANT_RIGHTS = 12;
    static final int GRANT_TOKEN = 16;

    // ---- struct rpcool_attach (64) ----
    static final int ATTACH_TOKEN = 0;
    static final int ATTACH_HANDLE = 8;
    static final int ATTACH_RIGHTS = 12;
    static final int ATTACH_HEAP_ID = 16;
    static final int ATTACH_HEAP_SIZE = 24;
    static final int ATTACH_HEAP_OFFSET = 32;
    static final int ATTACH_RING_OFFSET = 40;
    static final int ATTACH_RING_SIZE = 48;
    static final int ATTACH_RING_SLOTS = 56;

    // ---- struct rpcool_seal (32) ----
    static final int SEAL_HANDLE = 0;
    static final int SEAL_FLAGS = 4;
    static final int SEAL_OFFSET = 8;
    static final int SEAL_LENGTH = 16;
    static final int SEAL_SEAL_ID = 24;

    // ---- struct rpcool_seal_ref (16) ----
    static final int REF_HANDLE = 0;
    static final int REF_RESERVED = 4;
    static final int REF_SEAL_ID = 8;

    // ---- struct rpcool_batch_release (24) ----
    static final int BATCH_HANDLE = 0;
    static final int BATCH_COUNT = 4;
    static final int BATCH_SEAL_IDS = 8;
    static final int BATCH_RELEASED = 16;
    static final int BATCH_FAILED_INDEX = 20;

    // ---- struct rpcool_ring_header (64) ----
    static final int RING_MAGIC_OFFSET = 0;
    static final int RING_VERSION_OFFSET = 4;
    static final int RING_HEAP_ID_OFFSET = 8;
    static final int RING_HEAP_SIZE_OFFSET = 16;
    static final int RING_SLOT_COUNT_OFFSET = 24;
    static final int RING_DESC_SIZE_OFFSET = 28;

    // ---- mmap offsets: handle << 40 | ring << 39 | byte offset ----
    static final int MMAP_HANDLE_SHIFT = 40;
    static final long MMAP_RING = 1L << 39;

    private KernelUapi()
    {
    }

    static long ioc(final int dir, final int nr, final int size)
    {
        return ((long)dir << 30) | ((long)size << 16) | ((long)IOC_MAGIC << 8) | nr;
    }

    static long mmapOffset(final int handle, final boolean ring, final long offset)
    {
        return ((long)handle << MMAP_HANDLE_SHIFT) | (ring ? MMAP_RING : 0) | (offset & (MMAP_RING - 1));
    }
}
