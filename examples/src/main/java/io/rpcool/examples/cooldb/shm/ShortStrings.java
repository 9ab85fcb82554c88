package io.rpcool.examples.cooldb.shm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedString;

/**
 * Decodes strings out of shared memory, reusing the {@code String} of a short one seen before: keys,
 * words and small values repeat from document to document, so most reads cost a bounded copy and a
 * compare instead of an allocation, and the engine's hash lookups find the cached hash code. A
 * direct-mapped cache of {@value #SLOTS} entries; strings longer than {@value #MAX_LENGTH} bytes are
 * decoded afresh. Not thread-safe.
 */
final class ShortStrings
{
    static final int MAX_LENGTH = 24;
    static final int SLOTS = 1 << 13;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private final byte[] scratch = new byte[MAX_LENGTH];

    /**
     * @param string a wrapped, checked string.
     * @return its value.
     */
    String read(final RegionSet regions, final SharedString string)
    {
        final int length = string.length();
        if (length > MAX_LENGTH)
        {
            return string.toString();
        }
        regions.getBytes(string.bytesAddress(), scratch, 0, length);
        int h = 0x811C9DC5;
        for (int i = 0; i < length; i++)
        {
            h = (h ^ scratch[i]) * 0x01000193;
        }
        final int slot = (h ^ (h >>> 15)) & (SLOTS - 1);
        final byte[] cached = bytes[slot];
        if (cached != null && Arrays.equals(cached, 0, cached.length, scratch, 0, length))
        {
            return strings[slot];
        }
        final byte[] copy = Arrays.copyOf(scratch, length);
        final String value = new String(copy, StandardCharsets.UTF_8);
        bytes[slot] = copy;
        strings[slot] = value;
        return value;
    }
}
