package io.rpcool.examples.cooldb.nobench;

import java.nio.charset.StandardCharsets;

/**
 * The value encoding of NoBench (Chasseur, Li, Patel, "Enabling JSON Document Stores in Relational
 * Systems", WebDB 2013) and the names of its keys.
 * <p>
 * {@code enc(x)} is the RFC 4648 Base32 encoding, with {@code =} padding, of the ASCII text of
 * Python's {@code bin(x)}: {@code enc(5)} encodes {@code "0b101"} as {@code "GBRDCMBR"}.
 */
public final class NoBench
{
    public static final String STR1 = "str1";
    public static final String STR2 = "str2";
    public static final String NUM = "num";
    public static final String BOOL = "bool";
    public static final String DYN1 = "dyn1";
    public static final String DYN2 = "dyn2";
    public static final String NESTED_OBJ = "nested_obj";
    public static final String NESTED_STR = "str";
    public static final String NESTED_NUM = "num";
    public static final String NESTED_ARR = "nested_arr";
    public static final String THOUSANDTH = "thousandth";
    public static final String SPARSE_PREFIX = "sparse_";
    /** Sparse keys {@code sparse_000} to {@code sparse_999}. */
    public static final int SPARSE_KEYS = 1000;
    /** Sparse keys per object. */
    public static final int SPARSE_PER_OBJECT = 10;

    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".getBytes(StandardCharsets.US_ASCII);
    private static final String[] SPARSE_NAMES = new String[SPARSE_KEYS];

    static
    {
        for (int k = 0; k < SPARSE_KEYS; k++)
        {
            SPARSE_NAMES[k] = String.format("%s%03d", SPARSE_PREFIX, k);
        }
    }

    private NoBench()
    {
    }

    /**
     * @param x a non-negative number.
     * @return Base32 of the ASCII of Python's {@code bin(x)}.
     */
    public static String enc(final long x)
    {
        return new String(encBytes(x), StandardCharsets.US_ASCII);
    }

    /**
     * @param x a non-negative number.
     * @return {@link #enc(long)} as ASCII bytes.
     */
    public static byte[] encBytes(final long x)
    {
        if (x < 0)
        {
            throw new IllegalArgumentException("NoBench encodes non-negative numbers: " + x);
        }
        return base32(("0b" + Long.toBinaryString(x)).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * RFC 4648 Base32 with padding.
     *
     * @param data bytes to encode.
     * @return the encoding, 8 characters per started group of 5 bytes.
     */
    public static byte[] base32(final byte[] data)
    {
        final byte[] out = new byte[(data.length + 4) / 5 * 8];
        int o = 0;
        for (int i = 0; i < data.length; i += 5)
        {
            final int n = Math.min(5, data.length - i);
            long group = 0;
            for (int j = 0; j < 5; j++)
            {
                group = (group << 8) | (j < n ? data[i + j] & 0xFF : 0);
            }
            // 1, 2, 3, 4 or 5 input bytes give 2, 4, 5, 7 or 8 significant characters.
            final int chars = (n * 8 + 4) / 5;
            for (int c = 0; c < 8; c++)
            {
                out[o++] = c < chars ? ALPHABET[(int)(group >>> (35 - 5 * c)) & 31] : (byte)'=';
            }
        }
        return out;
    }

    /**
     * @param k 0 to 999.
     * @return {@code sparse_%03d} of k.
     */
    public static String sparseKey(final int k)
    {
        return SPARSE_NAMES[k];
    }
}
