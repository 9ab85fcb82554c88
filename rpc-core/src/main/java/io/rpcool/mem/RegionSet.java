package io.rpcool.mem;

import org.agrona.UnsafeApi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bounds authority for shared memory: the set of regions a reader or writer may touch, and the
 * only way the containers of this package access shared data.
 * <p>
 * Every accessor checks that {@code [address, address + length)} lies entirely inside one region of
 * the set before touching memory, and throws {@link SharedMemoryBoundsException} otherwise. These
 * checks are a safety feature: pointers read from shared memory are written by other processes, and a
 * wild or hostile pointer must become an exception, never a crash or a read of unrelated memory. They
 * cannot be switched off.
 * <p>
 * A set can hold several heaps and grows as a connection adds heaps ({@link #add(MemoryRegion)}); a
 * narrower set (for example just one RPC buffer) confines a reader to that buffer. Accessors may be
 * called from any thread; adding regions is safe concurrently with accesses.
 * <p>
 * Atomic operations ({@code compareAndSetLong}, {@code getAndAddLong}, volatile and release accesses)
 * require natural alignment and act on the shared memory itself, so they synchronise with other
 * processes that map the same memory.
 */
public final class RegionSet
{
    private static final MemoryRegion[] NONE = new MemoryRegion[0];
    /** Looked up once: {@code UnsafeApi.arrayBaseOffset} is not free, and string copies are frequent. */
    private static final long BYTE_ARRAY_OFFSET = UnsafeApi.arrayBaseOffset(byte[].class);

    private volatile MemoryRegion[] regions;
    private final OutOfBoundsListener listener;

    /**
     * @param regions initial regions; may be empty.
     */
    public RegionSet(final MemoryRegion... regions)
    {
        this(null, regions);
    }

    /**
     * A set that reports every rejected access to {@code listener} before throwing, so that a
     * rejection is noticed even when the code that made the access catches the exception (a
     * sandbox's views).
     *
     * @param listener told of every rejected access; may be null.
     * @param regions  initial regions; may be empty.
     */
    public RegionSet(final OutOfBoundsListener listener, final MemoryRegion... regions)
    {
        this.listener = listener;
        this.regions = regions.clone();
    }

    /**
     * @param regions initial regions.
     * @return a new set holding them.
     */
    public static RegionSet of(final MemoryRegion... regions)
    {
        return new RegionSet(regions);
    }

    /**
     * Add a region, e.g. a heap a connection just mapped.
     *
     * @param region to add.
     * @return this set.
     */
    public synchronized RegionSet add(final MemoryRegion region)
    {
        final MemoryRegion[] current = regions;
        final MemoryRegion[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = region;
        regions = next;
        return this;
    }

    /**
     * Remove a region, e.g. a heap about to be unmapped.
     *
     * @param region to remove.
     * @return true if it was present.
     */
    public synchronized boolean remove(final MemoryRegion region)
    {
        final MemoryRegion[] current = regions;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == region)
            {
                final MemoryRegion[] next = new MemoryRegion[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                regions = next;
                return true;
            }
        }
        return false;
    }

    /**
     * Remove every region: from now on every access through this set is rejected.
     */
    public synchronized void clear()
    {
        regions = NONE;
    }

    /**
     * @return a snapshot of the regions in the set.
     */
    public MemoryRegion[] regions()
    {
        return regions.clone();
    }

    /**
     * @param address      first address of an access.
     * @param accessLength length of the access.
     * @return true if the access lies entirely inside one region.
     */
    public boolean contains(final long address, final long accessLength)
    {
        for (final MemoryRegion region : regions)
        {
            if (region.contains(address, accessLength))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Check an access and return the region that contains it.
     *
     * @param address      first address of the access.
     * @param accessLength length of the access.
     * @return the region that contains the whole access.
     * @throws SharedMemoryBoundsException if no region does.
     */
    public MemoryRegion regionOf(final long address, final long accessLength)
    {
        for (final MemoryRegion region : regions)
        {
            if (region.contains(address, accessLength))
            {
                return region;
            }
        }
        throw outOfBounds(address, accessLength);
    }

    /**
     * Check an access.
     *
     * @param address      first address of the access.
     * @param accessLength length of the access.
     * @throws SharedMemoryBoundsException if no region contains the whole access.
     */
    public void checkBounds(final long address, final long accessLength)
    {
        for (final MemoryRegion region : regions)
        {
            if (region.contains(address, accessLength))
            {
                return;
            }
        }
        throw outOfBounds(address, accessLength);
    }

    private SharedMemoryBoundsException outOfBounds(final long address, final long accessLength)
    {
        if (listener != null)
        {
            listener.onOutOfBounds(address, accessLength);
        }
        return new SharedMemoryBoundsException(address, accessLength, toString());
    }

    private void checkAligned(final long address, final int alignment)
    {
        if ((address & (alignment - 1)) != 0)
        {
            throw new SharedMemoryBoundsException(address, alignment,
                "atomic access requires " + alignment + "-byte alignment; " + this);
        }
    }

    public byte getByte(final long address)
    {
        checkBounds(address, 1);
        return UnsafeApi.getByte(null, address);
    }

    public void putByte(final long address, final byte value)
    {
        checkBounds(address, 1);
        UnsafeApi.putByte(null, address, value);
    }

    public short getShort(final long address)
    {
        checkBounds(address, 2);
        return UnsafeApi.getShort(null, address);
    }

    public void putShort(final long address, final short value)
    {
        checkBounds(address, 2);
        UnsafeApi.putShort(null, address, value);
    }

    public char getChar(final long address)
    {
        checkBounds(address, 2);
        return UnsafeApi.getChar(null, address);
    }

    public void putChar(final long address, final char value)
    {
        checkBounds(address, 2);
        UnsafeApi.putChar(null, address, value);
    }

    public int getInt(final long address)
    {
        checkBounds(address, 4);
        return UnsafeApi.getInt(null, address);
    }

    public void putInt(final long address, final int value)
    {
        checkBounds(address, 4);
        UnsafeApi.putInt(null, address, value);
    }

    public int getIntVolatile(final long address)
    {
        checkBounds(address, 4);
        checkAligned(address, 4);
        return UnsafeApi.getIntVolatile(null, address);
    }

    public void putIntRelease(final long address, final int value)
    {
        checkBounds(address, 4);
        checkAligned(address, 4);
        UnsafeApi.putIntRelease(null, address, value);
    }

    public long getLong(final long address)
    {
        checkBounds(address, 8);
        return UnsafeApi.getLong(null, address);
    }

    public void putLong(final long address, final long value)
    {
        checkBounds(address, 8);
        UnsafeApi.putLong(null, address, value);
    }

    public long getLongVolatile(final long address)
    {
        checkBounds(address, 8);
        checkAligned(address, 8);
        return UnsafeApi.getLongVolatile(null, address);
    }

    public void putLongVolatile(final long address, final long value)
    {
        checkBounds(address, 8);
        checkAligned(address, 8);
        UnsafeApi.putLongVolatile(null, address, value);
    }

    public void putLongRelease(final long address, final long value)
    {
        checkBounds(address, 8);
        checkAligned(address, 8);
        UnsafeApi.putLongRelease(null, address, value);
    }

    public boolean compareAndSetLong(final long address, final long expected, final long update)
    {
        checkBounds(address, 8);
        checkAligned(address, 8);
        return UnsafeApi.compareAndSetLong(null, address, expected, update);
    }

    public long getAndAddLong(final long address, final long delta)
    {
        checkBounds(address, 8);
        checkAligned(address, 8);
        return UnsafeApi.getAndAddLong(null, address, delta);
    }

    public float getFloat(final long address)
    {
        checkBounds(address, 4);
        return UnsafeApi.getFloat(null, address);
    }

    public void putFloat(final long address, final float value)
    {
        checkBounds(address, 4);
        UnsafeApi.putFloat(null, address, value);
    }

    public double getDouble(final long address)
    {
        checkBounds(address, 8);
        return UnsafeApi.getDouble(null, address);
    }

    public void putDouble(final long address, final double value)
    {
        checkBounds(address, 8);
        UnsafeApi.putDouble(null, address, value);
    }

    /**
     * Copy bytes out of shared memory.
     *
     * @param address first address to read.
     * @param dst     destination array.
     * @param offset  in the destination.
     * @param length  number of bytes.
     */
    public void getBytes(final long address, final byte[] dst, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > dst.length - length)
        {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " array=" + dst.length);
        }
        checkBounds(address, length);
        UnsafeApi.copyMemory(null, address, dst, BYTE_ARRAY_OFFSET + offset, length);
    }

    /**
     * Copy bytes into shared memory.
     *
     * @param address first address to write.
     * @param src     source array.
     * @param offset  in the source.
     * @param length  number of bytes.
     */
    public void putBytes(final long address, final byte[] src, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > src.length - length)
        {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " array=" + src.length);
        }
        checkBounds(address, length);
        UnsafeApi.copyMemory(src, BYTE_ARRAY_OFFSET + offset, null, address, length);
    }

    /**
     * Copy between two ranges that both lie inside this set.
     *
     * @param srcAddress first address to read.
     * @param dstAddress first address to write.
     * @param length     number of bytes.
     */
    public void copyMemory(final long srcAddress, final long dstAddress, final long length)
    {
        checkBounds(srcAddress, length);
        checkBounds(dstAddress, length);
        UnsafeApi.copyMemory(srcAddress, dstAddress, length);
    }

    /**
     * Copy a range checked against {@code source} into a range checked against this set.
     *
     * @param source     the set the source range must lie in.
     * @param srcAddress first address to read.
     * @param dstAddress first address to write.
     * @param length     number of bytes.
     */
    public void copyFrom(final RegionSet source, final long srcAddress, final long dstAddress, final long length)
    {
        source.checkBounds(srcAddress, length);
        checkBounds(dstAddress, length);
        UnsafeApi.copyMemory(srcAddress, dstAddress, length);
    }

    /**
     * Fill a range with one byte value.
     *
     * @param address first address.
     * @param length  number of bytes.
     * @param value   to write.
     */
    public void setMemory(final long address, final long length, final byte value)
    {
        checkBounds(address, length);
        UnsafeApi.setMemory(address, length, value);
    }

    /**
     * Decode UTF-8 bytes from shared memory.
     *
     * @param address first byte.
     * @param length  number of bytes.
     * @return the decoded string.
     */
    public String getStringUtf8(final long address, final int length)
    {
        checkBounds(address, length);
        final byte[] bytes = new byte[length];
        getBytes(address, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString()
    {
        return "RegionSet" + Arrays.toString(regions);
    }
}
