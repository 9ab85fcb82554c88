package io.rpcool.mem;

/**
 * UTF-8 encoding into a reusable array, matching {@code String.getBytes(UTF_8)} (an unpaired
 * surrogate becomes '?').
 */
final class Utf8
{
    private Utf8()
    {
    }

    /**
     * @param value to encode.
     * @param dst   at least {@code 3 * value.length()} bytes long.
     * @return number of bytes written.
     */
    static int encode(final CharSequence value, final byte[] dst)
    {
        int n = 0;
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                dst[n++] = (byte)c;
            }
            else if (c < 0x800)
            {
                dst[n++] = (byte)(0xC0 | (c >> 6));
                dst[n++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                dst[n++] = (byte)(0xF0 | (cp >> 18));
                dst[n++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                dst[n++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                dst[n++] = (byte)(0x80 | (cp & 0x3F));
            }
            else if (Character.isSurrogate(c))
            {
                dst[n++] = (byte)'?';
            }
            else
            {
                dst[n++] = (byte)(0xE0 | (c >> 12));
                dst[n++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                dst[n++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        return n;
    }
}
