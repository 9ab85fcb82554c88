package io.rpcool.mem;

/**
 * Something that hands out memory inside shared regions by absolute address: a {@link HeapAllocator}
 * over one heap, a {@link HeapSet} over several, or an {@link RpcBuffer}.
 * <p>
 * Returned addresses are absolute and 8-byte aligned; they are valid in every process that maps the
 * memory at the same address. Allocation is on the hot path and reports exhaustion with the return
 * code {@link #NULL_ADDRESS} so the caller can add another heap; misuse (a negative length, freeing
 * an address the allocator never returned, a double free) raises an exception.
 */
public interface Allocator
{
    /**
     * Returned by {@link #allocate(long)} when there is no room; also the null pointer in shared
     * structures.
     */
    long NULL_ADDRESS = 0L;

    /**
     * Allocate at least {@code length} bytes. The contents are unspecified (not necessarily zero).
     *
     * @param length in bytes, zero or more.
     * @return absolute address of the memory, 8-byte aligned, or {@link #NULL_ADDRESS} if there is
     * no room.
     * @throws IllegalArgumentException if length is negative.
     */
    long allocate(long length);

    /**
     * Return memory obtained from {@link #allocate(long)}. Arena allocators ignore it.
     *
     * @param address returned by {@link #allocate(long)}; {@link #NULL_ADDRESS} is ignored.
     */
    void free(long address);

    /**
     * @return the regions this allocator hands out memory from, for bounds-checked access to it.
     */
    RegionSet regions();

    /**
     * Allocate, raising an exception instead of returning {@link #NULL_ADDRESS}. For code off the hot
     * path, such as containers that grow.
     *
     * @param length in bytes.
     * @return absolute address of the memory.
     * @throws SharedMemoryExhaustedException if there is no room.
     */
    default long allocateOrThrow(final long length)
    {
        final long address = allocate(length);
        if (address == NULL_ADDRESS)
        {
            throw new SharedMemoryExhaustedException(length, toString());
        }
        return address;
    }

    /**
     * Allocate and fill with zeros.
     *
     * @param length in bytes.
     * @return absolute address of the zeroed memory.
     * @throws SharedMemoryExhaustedException if there is no room.
     */
    default long allocateZeroed(final long length)
    {
        final long address = allocateOrThrow(length);
        regions().setMemory(address, length, (byte)0);
        return address;
    }
}
