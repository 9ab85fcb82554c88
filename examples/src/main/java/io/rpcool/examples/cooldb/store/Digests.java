package io.rpcool.examples.cooldb.store;

/**
 * A checksum of a query result that both clients compute the same way from what they received,
 * reading every value once: the shared-memory client walks the nodes in place, the gRPC client the
 * Protobuf values it parsed. Equal digests for the same query show that both stores returned the
 * same values; the walk is also the client's use of the result, so neither client is timed for
 * receiving a result it never looks at.
 * <p>
 * A value's digest: null or absent 0; true 3, false 5; a number its value as a {@code long}; a string
 * {@code 7 + 31 * (UTF-8 length)}; an array 11 plus its elements'; an object 13 plus, per member,
 * {@code 17 * (UTF-8 key length)} plus the value's. A result's: per row {@value #ROW}, plus each
 * cell's digest times its column number (from 1).
 */
public final class Digests
{
    public static final long TRUE = 3;
    public static final long FALSE = 5;
    public static final long ARRAY = 11;
    public static final long OBJECT = 13;
    public static final long ROW = 1_000_003L;

    private Digests()
    {
    }

    public static long string(final long utf8Length)
    {
        return 7 + 31 * utf8Length;
    }

    public static long member(final long keyUtf8Length, final long valueDigest)
    {
        return 17 * keyUtf8Length + valueDigest;
    }

    public static long number(final double value)
    {
        return (long)value;
    }

    public static long cell(final int column, final long valueDigest)
    {
        return (column + 1) * valueDigest;
    }

    /**
     * @param s a string.
     * @return its length in UTF-8.
     */
    public static int utf8Length(final String s)
    {
        int n = 0;
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                n++;
            }
            else if (c < 0x800)
            {
                n += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                n += 4;
                i++;
            }
            else
            {
                n += 3;
            }
        }
        return n;
    }
}
