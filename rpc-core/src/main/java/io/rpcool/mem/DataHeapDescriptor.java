package io.rpcool.mem;

/**
 * Layout of a shared heap managed by {@link HeapAllocator}. All of the allocator's metadata lives
 * inside the heap, so every process that maps the heap can allocate and free in it. Metadata holds
 * offsets from the heap's base, never addresses, so the allocator works even where processes map the
 * heap at different addresses; the addresses it returns are absolute in the calling process.
 * <p>
 * Heap header, at offset 0 of the region:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic 'RPCH' (written last)               |  0
 *  +---------------------------------------------------------------+
 *  |                           Version                             |  4
 *  +---------------------------------------------------------------+
 *  |                        Region Length                          |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Data Offset (= HEADER_LENGTH)               | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Size Class Count                        | 24
 *  +---------------------------------------------------------------+
 *  |                     padding to cache line                    ...
 *  +---------------------------------------------------------------+
 *  |              Top: offset of the first unclaimed byte          | 64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     padding to cache line                    ...
 *  +---------------------------------------------------------------+
 *  |       Size class 0: free list head (see below)                | 128
 *  |                                                               |
 *  |       Size class 0: allocations (advisory counter)            |
 *  |                                                               |
 *  |       Size class 0: frees (advisory counter)                  |
 *  |                                                               |
 *  |                     padding to cache line                    ...
 *  +---------------------------------------------------------------+
 *  |       Size class 1 ... one cache line per class              | 192
 *  ...                                                           ...
 *  +---------------------------------------------------------------+
 *  |      Blocks, from HEADER_LENGTH up to Top, back to back       | 8192
 *  ...                                                           ...
 * </pre>
 * Free list head, one 64-bit word per size class. The tag is bumped by every change so that a
 * compare-and-set on a head that was popped and pushed back in between fails (ABA):
 * <pre>
 *  tttttttt tttttttt tttttttt tttttttt oooooooo oooooooo oooooooo oooooooo
 *
 *  t: 32-bit modification tag
 *  o: offset of the first free block in 16-byte granules; 0 = the list is empty
 * </pre>
 * Block header, the first 8 bytes of every block; the payload handed to the user starts right after
 * it. The block's own offset makes a forged or misplaced header detectable:
 * <pre>
 *  mmmmmmmm mmmmmmmm ssssssss cccccccc oooooooo oooooooo oooooooo oooooooo
 *
 *  m: 16-bit block magic 0xB10C
 *  s: state, 1 = allocated, 2 = free
 *  c: size class, which fixes the block's length
 *  o: this block's offset in 16-byte granules
 * </pre>
 * A free block keeps its header and stores the next link of its free list (a granule offset, 0 at
 * the end) in the first payload word. Blocks are never split or merged, so every byte below Top
 * belongs to exactly one block and the heap can be walked from HEADER_LENGTH block by block.
 * <p>
 * Size classes give block lengths (header included) of 16, 32, ..., 128 bytes in steps of 16,
 * then four classes per power of two (160, 192, 224, 256, 320, 384, ...), so a block wastes at
 * most a quarter of its length, up to 64 GiB.
 */
public final class DataHeapDescriptor
{
    /**
     * Magic value 'RPCH' marking a formatted heap.
     */
    public static final int MAGIC = 0x48435052;

    /**
     * Layout version; attaching to a heap with another version fails.
     */
    public static final int VERSION = 1;

    public static final int CACHE_LINE_LENGTH = 64;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int REGION_LENGTH_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 16;
    public static final int CLASS_COUNT_OFFSET = 24;
    public static final int TOP_OFFSET = CACHE_LINE_LENGTH;
    public static final int SIZE_CLASSES_OFFSET = 2 * CACHE_LINE_LENGTH;
    public static final int CLASS_HEAD_OFFSET = 0;
    public static final int CLASS_ALLOCATIONS_OFFSET = 8;
    public static final int CLASS_FREES_OFFSET = 16;

    /**
     * Allocation granule: blocks start and end on multiples of it.
     */
    public static final int GRANULE = 16;
    public static final int GRANULE_SHIFT = 4;

    /**
     * Length of a block header; payloads start this far into their block.
     */
    public static final int BLOCK_HEADER_LENGTH = 8;

    public static final long BLOCK_MAGIC = 0xB10CL;
    public static final int STATE_ALLOCATED = 1;
    public static final int STATE_FREE = 2;

    /**
     * Largest heap the 32-bit granule offsets can address: 64 GiB.
     */
    public static final long MAX_REGION_LENGTH = (1L << 32) * GRANULE;

    private static final long[] CLASS_LENGTHS = buildClassLengths();

    /**
     * Number of size classes.
     */
    public static final int CLASS_COUNT = CLASS_LENGTHS.length;

    /**
     * Length of the heap header, a multiple of the page size; the first block starts here.
     */
    public static final int HEADER_LENGTH =
        align(SIZE_CLASSES_OFFSET + CLASS_COUNT * CACHE_LINE_LENGTH, 4096);

    /**
     * Smallest region a heap can be formatted in.
     */
    public static final long MIN_REGION_LENGTH = HEADER_LENGTH + 4096;

    private DataHeapDescriptor()
    {
    }

    private static long[] buildClassLengths()
    {
        final long[] lengths = new long[8 + 4 * (36 - 7)];
        int c = 0;
        for (int i = 1; i <= 8; i++)
        {
            lengths[c++] = (long)i * GRANULE;
        }
        for (int k = 7; k < 36; k++)
        {
            final long base = 1L << k;
            for (int step = 1; step <= 4; step++)
            {
                lengths[c++] = base + step * (base >> 2);
            }
        }
        return lengths;
    }

    static int align(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * @param sizeClass index.
     * @return length of a block of that class, header included.
     */
    public static long classLength(final int sizeClass)
    {
        return CLASS_LENGTHS[sizeClass];
    }

    /**
     * Smallest size class whose blocks hold {@code blockLength} bytes.
     *
     * @param blockLength block length including its header; positive.
     * @return the class index, or -1 if no class is large enough.
     */
    public static int sizeClassOf(final long blockLength)
    {
        if (blockLength <= 8 * GRANULE)
        {
            return blockLength <= GRANULE ? 0 : (int)((blockLength + GRANULE - 1) >>> GRANULE_SHIFT) - 1;
        }
        final int k = 63 - Long.numberOfLeadingZeros(blockLength - 1);
        if (k >= 36)
        {
            return -1;
        }
        final long base = 1L << k;
        final long step = base >> 2;
        final int index = (int)((blockLength - base + step - 1) / step) - 1;
        return 8 + (k - 7) * 4 + index;
    }

    /**
     * @param sizeClass index.
     * @return offset of the class's cache line in the heap header.
     */
    public static int classOffset(final int sizeClass)
    {
        return SIZE_CLASSES_OFFSET + sizeClass * CACHE_LINE_LENGTH;
    }

    /**
     * @param state          block state.
     * @param sizeClass      block size class.
     * @param granuleOffset  block offset in granules.
     * @return the encoded block header.
     */
    public static long blockHeader(final int state, final int sizeClass, final long granuleOffset)
    {
        return (BLOCK_MAGIC << 48) | ((long)state << 40) | ((long)sizeClass << 32) | granuleOffset;
    }

    public static long blockMagic(final long header)
    {
        return header >>> 48;
    }

    public static int blockState(final long header)
    {
        return (int)(header >>> 40) & 0xFF;
    }

    public static int blockSizeClass(final long header)
    {
        return (int)(header >>> 32) & 0xFF;
    }

    public static long blockGranuleOffset(final long header)
    {
        return header & 0xFFFF_FFFFL;
    }

    /**
     * @param tag           modification tag.
     * @param granuleOffset of the first free block, 0 for empty.
     * @return the encoded free list head.
     */
    public static long freeListHead(final long tag, final long granuleOffset)
    {
        return (tag << 32) | granuleOffset;
    }

    public static long headTag(final long head)
    {
        return head >>> 32;
    }

    public static long headGranuleOffset(final long head)
    {
        return head & 0xFFFF_FFFFL;
    }

    /**
     * Check that a region can hold a heap.
     *
     * @param regionLength length of the region.
     * @throws IllegalArgumentException if it is too short, too long or not a multiple of the granule.
     */
    public static void checkRegionLength(final long regionLength)
    {
        if (regionLength < MIN_REGION_LENGTH || regionLength > MAX_REGION_LENGTH || (regionLength & (GRANULE - 1)) != 0)
        {
            throw new IllegalArgumentException("heap region length must be a multiple of " + GRANULE + " in [" +
                MIN_REGION_LENGTH + ", " + MAX_REGION_LENGTH + "]: " + regionLength);
        }
    }
}
