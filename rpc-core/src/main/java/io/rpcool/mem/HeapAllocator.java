package io.rpcool.mem;

import static io.rpcool.mem.DataHeapDescriptor.*;

/**
 * Lock-free, crash-safe allocator over one shared heap, with all of its metadata inside the heap
 * (layout in {@link DataHeapDescriptor}). Any number of threads in any number of processes that map the
 * heap may allocate and free concurrently.
 * <p>
 * <b>Design.</b> Memory is handed out in size-classed blocks, each with an 8-byte header recording
 * its state, class and own offset. Each size class has a free list, a Treiber stack whose head word
 * carries a 32-bit modification tag against ABA. Fresh memory comes from a bump pointer, Top. Blocks
 * are never split or merged, so the heap below Top is always a walkable sequence of blocks.
 * <ul>
 *   <li>Pop (allocate from a free list): read the head, read the first block's next link, CAS the
 *   head to the next block with tag + 1, then mark the block allocated.</li>
 *   <li>Claim (allocate fresh memory): read Top; CAS the zero word at Top to the new block's header;
 *   then CAS Top forward by the block's length. Anyone who finds a header already at Top helps by
 *   advancing Top past it, so a claimer that stops between its two CAS never blocks the others.</li>
 *   <li>Push (free): CAS the block's header from allocated to free (a second free of the same block
 *   fails here), write the next link, CAS the head to the block with tag + 1.</li>
 * </ul>
 * <p>
 * <b>Crash safety.</b> Every operation changes shared state through single compare-and-set steps,
 * each of which leaves the heap consistent; there are no locks. A process killed at any instruction
 * can at worst leave behind one block that nobody owns: popped or claimed but never returned, or
 * marked free but never pushed. Such a block is leaked, never handed out twice, and never breaks a
 * list. {@link #validate()} walks the whole heap and reports leaked free blocks separately.
 * <p>
 * <b>Preconditions.</b> The bytes above Top must be zero: a freshly created memory file is, and
 * {@link #format(MemoryRegion)} clears the region when asked. Blocks are 8-byte aligned. Memory freed
 * into one size class is reused by that class (and, when fresh memory runs out, by requests up to
 * four classes smaller); it is not coalesced.
 * <p>
 * <b>Corruption.</b> If a process writes over allocator metadata (a use after free, a buffer overrun)
 * the allocator detects inconsistent headers and links and raises {@link HeapCorruptedException}
 * instead of handing out or touching memory outside the heap.
 * <p>
 * The per-class counters are advisory: a process killed between a CAS and the counter update skews
 * them; {@link #validate()} computes exact figures from the blocks themselves.
 */
public final class HeapAllocator implements Allocator
{
    /**
     * When fresh memory is exhausted, a request may take a free block up to this many classes
     * larger (at most twice its length).
     */
    public static final int FALLBACK_CLASS_SPAN = 4;

    private final MemoryRegion region;
    private final RegionSet regions;
    private final long base;
    private final long regionLength;
    private final long topAddress;

    private HeapAllocator(final MemoryRegion region)
    {
        if ((region.base() & (GRANULE - 1)) != 0)
        {
            throw new IllegalArgumentException("heap base must be " + GRANULE + "-byte aligned: " + region);
        }
        this.region = region;
        this.regions = RegionSet.of(region);
        this.base = region.base();
        this.regionLength = region.length();
        this.topAddress = base + TOP_OFFSET;
    }

    /**
     * Format a new heap over a region whose contents are all zero (a freshly created memory file or
     * direct buffer).
     *
     * @param region to format; base 16-byte aligned, length within the limits of {@link DataHeapDescriptor}.
     * @return an allocator over the new heap.
     */
    public static HeapAllocator format(final MemoryRegion region)
    {
        return format(region, false);
    }

    /**
     * Format a new heap, optionally clearing the whole region first (which touches every page).
     *
     * @param region to format.
     * @param clear  true to zero the region first, for memory that may hold old data.
     * @return an allocator over the new heap.
     */
    public static HeapAllocator format(final MemoryRegion region, final boolean clear)
    {
        checkRegionLength(region.length());
        final HeapAllocator heap = new HeapAllocator(region);
        final RegionSet r = heap.regions;
        final long base = region.base();
        r.putIntRelease(base + MAGIC_OFFSET, 0);
        r.setMemory(base, clear ? region.length() : HEADER_LENGTH, (byte)0);
        r.putInt(base + VERSION_OFFSET, VERSION);
        r.putLong(base + REGION_LENGTH_OFFSET, region.length());
        r.putLong(base + DATA_OFFSET_OFFSET, HEADER_LENGTH);
        r.putInt(base + CLASS_COUNT_OFFSET, CLASS_COUNT);
        r.putLongVolatile(base + TOP_OFFSET, HEADER_LENGTH);
        r.putIntRelease(base + MAGIC_OFFSET, MAGIC);
        return heap;
    }

    /**
     * Attach to a heap another process (or an earlier run) formatted, checking its header.
     *
     * @param region the heap's memory.
     * @return an allocator over the heap.
     * @throws SharedTypeException if the region does not hold a heap of this version and length.
     */
    public static HeapAllocator attach(final MemoryRegion region)
    {
        checkRegionLength(region.length());
        final HeapAllocator heap = new HeapAllocator(region);
        heap.checkHeader();
        return heap;
    }

    private void checkHeader()
    {
        final int magic = regions.getIntVolatile(base + MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new SharedTypeException("no heap in " + region + ": magic=0x" + Integer.toHexString(magic));
        }
        final int version = regions.getInt(base + VERSION_OFFSET);
        if (version != VERSION)
        {
            throw new SharedTypeException("heap version " + version + " in " + region + ", expected " + VERSION);
        }
        final long length = regions.getLong(base + REGION_LENGTH_OFFSET);
        final long dataOffset = regions.getLong(base + DATA_OFFSET_OFFSET);
        final int classCount = regions.getInt(base + CLASS_COUNT_OFFSET);
        if (length != regionLength || dataOffset != HEADER_LENGTH || classCount != CLASS_COUNT)
        {
            throw new SharedTypeException("heap header mismatch in " + region + ": length=" + length +
                " dataOffset=" + dataOffset + " classCount=" + classCount);
        }
    }

    /**
     * @return the heap's region.
     */
    public MemoryRegion region()
    {
        return region;
    }

    @Override
    public RegionSet regions()
    {
        return regions;
    }

    @Override
    public long allocate(final long length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length: " + length);
        }
        if (length > regionLength)
        {
            return NULL_ADDRESS;
        }
        final int sizeClass = sizeClassOf(length + BLOCK_HEADER_LENGTH);
        if (sizeClass < 0)
        {
            return NULL_ADDRESS;
        }
        long address = pop(sizeClass);
        if (address == NULL_ADDRESS)
        {
            address = claim(sizeClass);
            if (address == NULL_ADDRESS)
            {
                final int last = Math.min(CLASS_COUNT - 1, sizeClass + FALLBACK_CLASS_SPAN);
                for (int c = sizeClass + 1; c <= last && address == NULL_ADDRESS; c++)
                {
                    address = pop(c);
                }
            }
        }
        return address;
    }

    private long pop(final int sizeClass)
    {
        final long headAddress = base + classOffset(sizeClass) + CLASS_HEAD_OFFSET;
        while (true)
        {
            final long head = regions.getLongVolatile(headAddress);
            final long granules = headGranuleOffset(head);
            if (granules == 0)
            {
                return NULL_ADDRESS;
            }
            final long blockOffset = granules << GRANULE_SHIFT;
            if (blockOffset < HEADER_LENGTH || blockOffset > regionLength - 2 * BLOCK_HEADER_LENGTH)
            {
                throw new HeapCorruptedException("free list " + sizeClass + " head points outside the heap: offset=" +
                    blockOffset + " in " + region);
            }
            final long next = regions.getLongVolatile(base + blockOffset + BLOCK_HEADER_LENGTH);
            if (!isValidLink(next))
            {
                if (regions.getLongVolatile(headAddress) == head)
                {
                    throw new HeapCorruptedException("free block at offset " + blockOffset + " of class " + sizeClass +
                        " has an invalid next link " + next + " in " + region);
                }
                continue;
            }
            if (regions.compareAndSetLong(headAddress, head, freeListHead(headTag(head) + 1, next)))
            {
                final long headerAddress = base + blockOffset;
                final long header = regions.getLongVolatile(headerAddress);
                if (header != blockHeader(STATE_FREE, sizeClass, granules))
                {
                    throw new HeapCorruptedException("block at offset " + blockOffset + " on free list " + sizeClass +
                        " has header 0x" + Long.toHexString(header) + " in " + region);
                }
                regions.putLongVolatile(headerAddress, blockHeader(STATE_ALLOCATED, sizeClass, granules));
                regions.getAndAddLong(base + classOffset(sizeClass) + CLASS_ALLOCATIONS_OFFSET, 1);
                return headerAddress + BLOCK_HEADER_LENGTH;
            }
        }
    }

    private boolean isValidLink(final long next)
    {
        if (next == 0)
        {
            return true;
        }
        final long offset = next << GRANULE_SHIFT;
        return (next >>> 32) == 0 && offset >= HEADER_LENGTH && offset <= regionLength - 2 * BLOCK_HEADER_LENGTH;
    }

    private long claim(final int sizeClass)
    {
        final long blockLength = classLength(sizeClass);
        while (true)
        {
            final long top = regions.getLongVolatile(topAddress);
            if (top < HEADER_LENGTH || top > regionLength || (top & (GRANULE - 1)) != 0)
            {
                throw new HeapCorruptedException("heap top " + top + " is invalid in " + region);
            }
            if (top > regionLength - blockLength)
            {
                if (top <= regionLength - BLOCK_HEADER_LENGTH)
                {
                    helpAdvanceTop(top, regions.getLongVolatile(base + top));
                }
                return NULL_ADDRESS;
            }
            final long headerAddress = base + top;
            final long existing = regions.getLongVolatile(headerAddress);
            if (existing == 0)
            {
                final long header = blockHeader(STATE_ALLOCATED, sizeClass, top >>> GRANULE_SHIFT);
                if (regions.compareAndSetLong(headerAddress, 0, header))
                {
                    regions.compareAndSetLong(topAddress, top, top + blockLength);
                    regions.getAndAddLong(base + classOffset(sizeClass) + CLASS_ALLOCATIONS_OFFSET, 1);
                    return headerAddress + BLOCK_HEADER_LENGTH;
                }
            }
            else
            {
                helpAdvanceTop(top, existing);
            }
        }
    }

    private void helpAdvanceTop(final long top, final long header)
    {
        if (header == 0)
        {
            return;
        }
        checkBlockHeader(top, header);
        regions.compareAndSetLong(topAddress, top, top + classLength(blockSizeClass(header)));
    }

    private void checkBlockHeader(final long blockOffset, final long header)
    {
        final int state = blockState(header);
        final int sizeClass = blockSizeClass(header);
        if (blockMagic(header) != BLOCK_MAGIC || blockGranuleOffset(header) != blockOffset >>> GRANULE_SHIFT ||
            (state != STATE_ALLOCATED && state != STATE_FREE) || sizeClass >= CLASS_COUNT ||
            classLength(sizeClass) > regionLength - blockOffset)
        {
            throw new HeapCorruptedException("invalid block header 0x" + Long.toHexString(header) + " at offset " +
                blockOffset + " in " + region);
        }
    }

    @Override
    public void free(final long address)
    {
        if (address == NULL_ADDRESS)
        {
            return;
        }
        final long blockOffset = address - BLOCK_HEADER_LENGTH - base;
        if (!region.contains(address, BLOCK_HEADER_LENGTH) || blockOffset < HEADER_LENGTH ||
            (blockOffset & (GRANULE - 1)) != 0)
        {
            throw new IllegalArgumentException("0x" + Long.toHexString(address) + " was not allocated from " + region);
        }
        final long granules = blockOffset >>> GRANULE_SHIFT;
        final long headerAddress = base + blockOffset;
        final long header = regions.getLongVolatile(headerAddress);
        if (blockMagic(header) != BLOCK_MAGIC || blockGranuleOffset(header) != granules ||
            blockSizeClass(header) >= CLASS_COUNT)
        {
            throw new IllegalArgumentException("0x" + Long.toHexString(address) + " is not the start of a block in " +
                region + " (header 0x" + Long.toHexString(header) + ")");
        }
        final int sizeClass = blockSizeClass(header);
        if (blockState(header) != STATE_ALLOCATED ||
            !regions.compareAndSetLong(headerAddress, header, blockHeader(STATE_FREE, sizeClass, granules)))
        {
            throw new IllegalStateException("double free of 0x" + Long.toHexString(address) + " in " + region);
        }

        final long headAddress = base + classOffset(sizeClass) + CLASS_HEAD_OFFSET;
        while (true)
        {
            final long head = regions.getLongVolatile(headAddress);
            regions.putLongVolatile(address, headGranuleOffset(head));
            if (regions.compareAndSetLong(headAddress, head, freeListHead(headTag(head) + 1, granules)))
            {
                break;
            }
        }
        regions.getAndAddLong(base + classOffset(sizeClass) + CLASS_FREES_OFFSET, 1);
    }

    /**
     * Usable length of an allocated block: at least what was asked for.
     *
     * @param address returned by {@link #allocate(long)}.
     * @return number of bytes that may be used from {@code address}.
     */
    public long usableLength(final long address)
    {
        final long blockOffset = address - BLOCK_HEADER_LENGTH - base;
        if (!region.contains(address, BLOCK_HEADER_LENGTH) || blockOffset < HEADER_LENGTH)
        {
            throw new IllegalArgumentException("0x" + Long.toHexString(address) + " was not allocated from " + region);
        }
        final long header = regions.getLongVolatile(base + blockOffset);
        checkBlockHeader(blockOffset, header);
        return classLength(blockSizeClass(header)) - BLOCK_HEADER_LENGTH;
    }

    /**
     * @return offset of the first unclaimed byte.
     */
    public long top()
    {
        return regions.getLongVolatile(topAddress);
    }

    /**
     * Advisory statistics from the per-class counters, cheap to read while the heap is in use.
     *
     * @return the statistics.
     */
    public HeapStats stats()
    {
        long allocations = 0;
        long frees = 0;
        long liveBytes = 0;
        for (int c = 0; c < CLASS_COUNT; c++)
        {
            final long a = regions.getLongVolatile(base + classOffset(c) + CLASS_ALLOCATIONS_OFFSET);
            final long f = regions.getLongVolatile(base + classOffset(c) + CLASS_FREES_OFFSET);
            allocations += a;
            frees += f;
            liveBytes += (a - f) * classLength(c);
        }
        return new HeapStats(regionLength, HEADER_LENGTH, top(), allocations, frees, allocations - frees, liveBytes);
    }

    /**
     * Walk the whole heap and check every block header and every free list. Meant for a quiescent
     * heap (for example after a peer died); concurrent allocations may make it report spurious
     * errors.
     *
     * @return exact figures for the heap.
     * @throws HeapCorruptedException if any metadata is inconsistent.
     */
    public HeapReport validate()
    {
        checkHeader();
        final long top = top();
        if (top < HEADER_LENGTH || top > regionLength || (top & (GRANULE - 1)) != 0)
        {
            throw new HeapCorruptedException("heap top " + top + " is invalid in " + region);
        }
        final long granuleCount = (regionLength >>> GRANULE_SHIFT);
        final long[] blockStarts = new long[(int)((granuleCount + 63) >>> 6)];
        final long[] listed = new long[blockStarts.length];

        long blocks = 0;
        long allocatedBlocks = 0;
        long allocatedBytes = 0;
        long freeBlocks = 0;
        long offset = HEADER_LENGTH;
        while (offset <= regionLength - BLOCK_HEADER_LENGTH)
        {
            final long header = regions.getLongVolatile(base + offset);
            if (header == 0)
            {
                break;
            }
            checkBlockHeader(offset, header);
            final long length = classLength(blockSizeClass(header));
            final long g = offset >>> GRANULE_SHIFT;
            blockStarts[(int)(g >>> 6)] |= 1L << g;
            blocks++;
            if (blockState(header) == STATE_ALLOCATED)
            {
                allocatedBlocks++;
                allocatedBytes += length;
            }
            else
            {
                freeBlocks++;
            }
            offset += length;
        }
        final long walkedTop = offset;
        if (top > walkedTop)
        {
            throw new HeapCorruptedException("heap top " + top + " lies past the last block at " + walkedTop +
                " in " + region);
        }
        if (walkedTop != top)
        {
            // A claimer stopped between its two CAS: the block was claimed but Top not yet advanced.
            // Only the last claimed block can be in that state.
            long o = top;
            int behind = 0;
            while (o < walkedTop)
            {
                o += classLength(blockSizeClass(regions.getLongVolatile(base + o)));
                behind++;
            }
            if (behind > 1)
            {
                throw new HeapCorruptedException("heap top " + top + " is " + behind + " blocks behind in " + region);
            }
        }

        long listedBlocks = 0;
        long listedBytes = 0;
        for (int c = 0; c < CLASS_COUNT; c++)
        {
            long granules = headGranuleOffset(regions.getLongVolatile(base + classOffset(c) + CLASS_HEAD_OFFSET));
            while (granules != 0)
            {
                final long blockOffset = granules << GRANULE_SHIFT;
                if (blockOffset >= walkedTop || (blockStarts[(int)(granules >>> 6)] & (1L << granules)) == 0)
                {
                    throw new HeapCorruptedException("free list " + c + " links offset " + blockOffset +
                        ", which is not a block, in " + region);
                }
                if ((listed[(int)(granules >>> 6)] & (1L << granules)) != 0)
                {
                    throw new HeapCorruptedException("free list " + c + " reaches the block at offset " + blockOffset +
                        " twice (a cycle or shared tail) in " + region);
                }
                listed[(int)(granules >>> 6)] |= 1L << granules;
                final long header = regions.getLongVolatile(base + blockOffset);
                if (header != blockHeader(STATE_FREE, c, granules))
                {
                    throw new HeapCorruptedException("free list " + c + " holds the block at offset " + blockOffset +
                        " with header 0x" + Long.toHexString(header) + " in " + region);
                }
                listedBlocks++;
                listedBytes += classLength(c);
                final long next = regions.getLongVolatile(base + blockOffset + BLOCK_HEADER_LENGTH);
                if (!isValidLink(next))
                {
                    throw new HeapCorruptedException("free block at offset " + blockOffset +
                        " has an invalid next link " + next + " in " + region);
                }
                granules = next;
            }
        }

        return new HeapReport(regionLength, HEADER_LENGTH, walkedTop, blocks, allocatedBlocks, allocatedBytes,
            listedBlocks, listedBytes, freeBlocks - listedBlocks);
    }

    @Override
    public String toString()
    {
        return "HeapAllocator{" + region + '}';
    }
}
