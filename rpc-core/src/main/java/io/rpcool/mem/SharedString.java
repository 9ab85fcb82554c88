package io.rpcool.mem;

import java.nio.charset.StandardCharsets;

import static io.rpcool.mem.StringDescriptor.*;

/**
 * Flyweight over an immutable UTF-8 string in shared memory (layout in {@link StringDescriptor}).
 * Strings are written once by {@link #allocate(Allocator, String)} and read in place; every read is
 * bounds-checked against the {@link RegionSet} the flyweight wraps.
 */
public final class SharedString
{
    private RegionSet regions;
    private long address;

    /**
     * Write a string into shared memory.
     *
     * @param allocator to take the memory from.
     * @param value     to write.
     * @return address of the new string.
     * @throws SharedMemoryExhaustedException if the allocator has no room.
     */
    public static long allocate(final Allocator allocator, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return allocate(allocator, bytes, 0, bytes.length);
    }

    /**
     * Write UTF-8 bytes as a string into shared memory.
     *
     * @param allocator to take the memory from.
     * @param utf8      the bytes.
     * @param offset    of the first byte.
     * @param length    number of bytes.
     * @return address of the new string.
     */
    public static long allocate(final Allocator allocator, final byte[] utf8, final int offset, final int length)
    {
        final RegionSet r = allocator.regions();
        final long address = allocator.allocateOrThrow(HEADER_LENGTH + length);
        r.putInt(address + TAG_OFFSET, SharedTypes.STRING);
        r.putInt(address + LENGTH_OFFSET, length);
        r.putInt(address + HASH_OFFSET, hash(utf8, offset, length));
        r.putInt(address + HASH_OFFSET + 4, 0);
        r.putBytes(address + HEADER_LENGTH, utf8, offset, length);
        return address;
    }

    /**
     * Read a string out of shared memory.
     *
     * @param regions the string must lie in.
     * @param address of the string.
     * @return its value.
     */
    public static String read(final RegionSet regions, final long address)
    {
        return new SharedString().wrap(regions, address).toString();
    }

    /**
     * The hash stored with every string: FNV-1a over the UTF-8 bytes, finished with a mix.
     *
     * @param utf8   bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return the hash.
     */
    public static int hash(final byte[] utf8, final int offset, final int length)
    {
        int h = 0x811C9DC5;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            h = (h ^ (utf8[i] & 0xFF)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    /**
     * Wrap the string at {@code address}, checking its tag and that its bytes lie inside the regions.
     *
     * @param regions the string must lie in.
     * @param address of the string.
     * @return this flyweight.
     */
    public SharedString wrap(final RegionSet regions, final long address)
    {
        SharedTypes.checkTag(regions, address, SharedTypes.STRING);
        this.regions = regions;
        this.address = address;
        length();
        return this;
    }

    public long address()
    {
        return address;
    }

    /**
     * @return length in bytes, checked to lie inside the regions.
     */
    public int length()
    {
        final int length = regions.getInt(address + LENGTH_OFFSET);
        if (length < 0)
        {
            throw new MalformedStructureException("string at 0x" + Long.toHexString(address) + " has length " + length);
        }
        regions.checkBounds(address + HEADER_LENGTH, length);
        return length;
    }

    /**
     * @return the stored hash.
     */
    public int hash()
    {
        return regions.getInt(address + HASH_OFFSET);
    }

    /**
     * @return address of the first UTF-8 byte.
     */
    public long bytesAddress()
    {
        return address + HEADER_LENGTH;
    }

    /**
     * @param index of a byte.
     * @return the byte.
     */
    public byte byteAt(final int index)
    {
        if (index < 0 || index >= length())
        {
            throw new IndexOutOfBoundsException("index " + index);
        }
        return regions.getByte(address + HEADER_LENGTH + index);
    }

    /**
     * Compare with UTF-8 bytes without decoding.
     *
     * @param utf8   bytes.
     * @param length number of bytes.
     * @return true if equal.
     */
    public boolean contentEquals(final byte[] utf8, final int length)
    {
        if (length() != length)
        {
            return false;
        }
        final long start = address + HEADER_LENGTH;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (regions.getLong(start + i) != getLongLittleEndian(utf8, i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (regions.getByte(start + i) != utf8[i])
            {
                return false;
            }
        }
        return true;
    }

    private static long getLongLittleEndian(final byte[] b, final int i)
    {
        long v = 0;
        for (int k = 7; k >= 0; k--)
        {
            v = (v << 8) | (b[i + k] & 0xFF);
        }
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? v : Long.reverseBytes(v);
    }

    /**
     * @param value to compare with.
     * @return true if this string equals value.
     */
    public boolean contentEquals(final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return contentEquals(bytes, bytes.length);
    }

    /**
     * @return the decoded string.
     */
    @Override
    public String toString()
    {
        return regions.getStringUtf8(address + HEADER_LENGTH, length());
    }
}
